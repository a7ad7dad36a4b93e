namespace AptOstree.Deb;

/// <summary>Constants of the common <c>ar</c> format as used by .deb files.</summary>
public static class ArFormat
{
    /// <summary>The global header: <c>!&lt;arch&gt;\n</c>.</summary>
    public static ReadOnlySpan<byte> Magic => "!<arch>\n"u8;

    /// <summary>Size of a member header in bytes.</summary>
    public const int HeaderSize = 60;

    /// <summary>Longest member name the header can hold.</summary>
    public const int MaxNameLength = 16;

    /// <summary>Largest member size the 10-digit decimal size field can hold.</summary>
    public const long MaxMemberSize = 9_999_999_999;
}
