namespace AptOstree.Deb;

/// <summary>
/// Stable error codes of the deb822 parser, Debian versions and package relations (AO2300–AO2499).
/// </summary>
public static partial class DebErrorCodes
{
    /// <summary>A continuation line (starting with a space or tab) appears before any field of its paragraph.</summary>
    public const string Deb822ContinuationWithoutField = "AO2300";

    /// <summary>A deb822 line is neither a field (<c>Name: value</c>), a continuation line, nor a separator.</summary>
    public const string Deb822MissingColon = "AO2301";

    /// <summary>A deb822 field name is empty, contains characters outside 0x21–0x7E, or starts with <c>-</c>.</summary>
    public const string Deb822InvalidFieldName = "AO2302";

    /// <summary>A field appears twice in one paragraph (names compare case-insensitively).</summary>
    public const string Deb822DuplicateField = "AO2303";

    /// <summary>A field that the caller requires is absent from the paragraph.</summary>
    public const string Deb822MissingField = "AO2304";

    /// <summary>The input is not valid in the configured text encoding (UTF-8 by default).</summary>
    public const string Deb822InvalidEncoding = "AO2305";

    /// <summary>A paragraph is larger than <c>Deb822ReaderOptions.MaxParagraphLength</c>.</summary>
    public const string Deb822ParagraphTooLarge = "AO2306";

    /// <summary>Text given to <c>Deb822Paragraph.Parse</c> holds more than one paragraph.</summary>
    public const string Deb822MultipleParagraphs = "AO2308";

    /// <summary>The version string is empty or made only of blanks.</summary>
    public const string VersionEmpty = "AO2350";

    /// <summary>The version string contains blanks between non-blank characters.</summary>
    public const string VersionEmbeddedSpaces = "AO2351";

    /// <summary>The epoch before the first colon is empty.</summary>
    public const string VersionEpochEmpty = "AO2352";

    /// <summary>The epoch before the first colon is not a number.</summary>
    public const string VersionEpochNotNumber = "AO2353";

    /// <summary>The epoch is negative.</summary>
    public const string VersionEpochNegative = "AO2354";

    /// <summary>The epoch does not fit a 32-bit signed integer.</summary>
    public const string VersionEpochTooBig = "AO2355";

    /// <summary>Nothing follows the epoch's colon.</summary>
    public const string VersionNothingAfterColon = "AO2356";

    /// <summary>The version ends with a hyphen, so the revision is empty.</summary>
    public const string VersionRevisionEmpty = "AO2357";

    /// <summary>The upstream part of the version is empty.</summary>
    public const string VersionUpstreamEmpty = "AO2358";

    /// <summary>A version relation operator (for <c>dpkg --compare-versions</c>) is not known.</summary>
    public const string VersionUnknownRelation = "AO2359";

    /// <summary>A relation field does not follow the relationship grammar.</summary>
    public const string RelationSyntax = "AO2400";

    /// <summary>A package name in a relation is empty or has characters dpkg does not allow.</summary>
    public const string RelationInvalidPackageName = "AO2401";

    /// <summary>A version constraint has an unknown or disallowed operator.</summary>
    public const string RelationInvalidOperator = "AO2402";

    /// <summary>A version constraint's version is missing or invalid.</summary>
    public const string RelationInvalidVersion = "AO2403";

    /// <summary>Alternatives (<c>|</c>) appear in a field that does not allow them (Conflicts, Breaks, Replaces, Provides).</summary>
    public const string RelationAlternativesNotAllowed = "AO2404";

    /// <summary>An architecture restriction list (<c>[...]</c>) is empty, unterminated, mixes negated and plain names, or is not allowed in this field.</summary>
    public const string RelationInvalidArchitectureRestriction = "AO2405";

    /// <summary>A build profile formula (<c>&lt;...&gt;</c>) is empty, unterminated, or not allowed in this field.</summary>
    public const string RelationInvalidBuildProfile = "AO2406";

    /// <summary>An architecture qualifier (<c>:any</c>, <c>:native</c>, <c>:amd64</c>) is empty or malformed.</summary>
    public const string RelationInvalidArchitectureQualifier = "AO2407";

    /// <summary>A relation group between commas is empty.</summary>
    public const string RelationEmpty = "AO2408";
}
