namespace AptOstree.Deb.Solver;

/// <summary>The package sets of mmdebstrap's variants.</summary>
public enum BootstrapVariant
{
    /// <summary>Essential:yes packages and their dependencies.</summary>
    Essential,

    /// <summary>Essential plus Priority: required (mmdebstrap's <c>minbase</c> = <c>required</c>).</summary>
    Minbase,

    /// <summary>Minbase plus Priority: important (mmdebstrap's default).</summary>
    Important,

    /// <summary>Important plus Priority: standard.</summary>
    Standard,
}
