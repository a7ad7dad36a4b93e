namespace AptOstree.Deb;

/// <summary>
/// Stable error codes of the .deb format layer: the <c>ar</c> container, member rules, decompression,
/// tar entries, extraction and building (range AO2000–AO2299).
/// </summary>
public static partial class DebErrorCodes
{
    /// <summary>The input does not start with the <c>!&lt;arch&gt;\n</c> magic of an <c>ar</c> archive.</summary>
    public const string BadArchiveMagic = "AO2000";

    /// <summary>The archive ends inside a member header or member data.</summary>
    public const string TruncatedArchive = "AO2001";

    /// <summary>An <c>ar</c> member header is malformed (bad terminator, invalid size digits, bad name).</summary>
    public const string InvalidMemberHeader = "AO2002";

    /// <summary>The first member is not <c>debian-binary</c>, or its content is not a format version.</summary>
    public const string NotDebianBinary = "AO2003";

    /// <summary>The <c>debian-binary</c> format version is not 2.x.</summary>
    public const string UnsupportedFormatVersion = "AO2004";

    /// <summary>Members are missing, duplicated or in the wrong order (dpkg's "premature member").</summary>
    public const string InvalidMemberOrder = "AO2005";

    /// <summary>A control or data member uses a compression dpkg does not accept for it.</summary>
    public const string UnsupportedCompression = "AO2006";

    /// <summary>Compressed member data is corrupt or truncated.</summary>
    public const string CorruptCompressedData = "AO2007";

    /// <summary>The tar stream inside a member is malformed or truncated.</summary>
    public const string InvalidTar = "AO2008";

    /// <summary>A tar entry has a type dpkg does not handle (sparse, multi-volume, ...).</summary>
    public const string UnsupportedTarEntry = "AO2009";

    /// <summary>The control archive lacks the mandatory <c>control</c> file.</summary>
    public const string MissingControlFile = "AO2010";

    /// <summary>Decompressed data exceeds the configured size or expansion-ratio limit (a decompression bomb).</summary>
    public const string DecompressionLimitExceeded = "AO2011";

    /// <summary>A hard link names a target that was not extracted earlier from the same archive.</summary>
    public const string HardLinkTargetMissing = "AO2012";

    /// <summary>An entry cannot be extracted over what already exists at its path.</summary>
    public const string ExtractionConflict = "AO2013";

    /// <summary>Input to the .deb builder is invalid (bad path, missing control, unknown link target).</summary>
    public const string InvalidBuildInput = "AO2014";

    /// <summary>A compression codec needs a native library that is not available.</summary>
    public const string CodecUnavailable = "AO2015";
}
