namespace AptOstree.Compose;

/// <summary>Stable error codes of AptOstree.Compose (AO6000–AO6999).</summary>
public static class ComposeErrorCodes
{
    /// <summary>A base image reference is not <c>DISTRIBUTION:RELEASE</c>.</summary>
    public const string InvalidBaseImage = "AO6001";
}
