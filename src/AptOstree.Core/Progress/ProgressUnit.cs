namespace AptOstree;

/// <summary>The unit a progress report counts in.</summary>
public enum ProgressUnit
{
    /// <summary>Bytes.</summary>
    Bytes,

    /// <summary>Files or archive entries.</summary>
    Files,

    /// <summary>Repository objects.</summary>
    Objects,

    /// <summary>Packages.</summary>
    Packages,

    /// <summary>Steps of a multi-step operation.</summary>
    Steps,
}
