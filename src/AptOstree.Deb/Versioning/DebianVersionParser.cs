using System.Buffers;

namespace AptOstree.Deb;

/// <summary>dpkg's <c>parseversion</c> rules: which texts are versions and where their parts are.</summary>
internal static class DebianVersionParser
{
    /// <summary>An error found by <see cref="Split"/>: its code and dpkg's wording.</summary>
    internal sealed record ParseError(string Code, string Message);

    private static readonly SearchValues<char> BlankOrColon = SearchValues.Create(" \t:");
    private static readonly ParseError Empty = new(DebErrorCodes.VersionEmpty, "version string is empty");
    private static readonly ParseError EmbeddedSpaces = new(DebErrorCodes.VersionEmbeddedSpaces, "version string has embedded spaces");
    private static readonly ParseError EpochEmpty = new(DebErrorCodes.VersionEpochEmpty, "epoch in version is empty");
    private static readonly ParseError EpochNotNumber = new(DebErrorCodes.VersionEpochNotNumber, "epoch in version is not number");
    private static readonly ParseError EpochNegative = new(DebErrorCodes.VersionEpochNegative, "epoch in version is negative");
    private static readonly ParseError EpochTooBig = new(DebErrorCodes.VersionEpochTooBig, "epoch in version is too big");
    private static readonly ParseError NothingAfterColon = new(DebErrorCodes.VersionNothingAfterColon, "nothing after colon in version number");
    private static readonly ParseError RevisionEmpty = new(DebErrorCodes.VersionRevisionEmpty, "revision number is empty");
    private static readonly ParseError UpstreamEmpty = new(DebErrorCodes.VersionUpstreamEmpty, "version number is empty");

    /// <summary>Finds the parts of <paramref name="text"/>; returns null on success or the first fatal error.</summary>
    public static ParseError? Split(ReadOnlySpan<char> text, out VersionParts parts)
    {
        parts = default;
        int start = 0, end = text.Length;
        if (end == 0 || IsBlank(text[0]) || IsBlank(text[end - 1]))
        {
            start = text.IndexOfAnyExcept(' ', '\t');
            if (start < 0)
            {
                return Empty;
            }

            end = text.LastIndexOfAnyExcept(' ', '\t') + 1;
        }

        // Two vectorized searches over the trimmed text: a blank inside it or the first colon (most versions have
        // neither, so one pass answers both), then the last hyphen.
        var trimmed = text[start..end];
        var colon = trimmed.IndexOfAny(BlankOrColon);
        if (colon >= 0)
        {
            if (trimmed[colon] != ':' || trimmed[(colon + 1)..].IndexOfAny(' ', '\t') >= 0)
            {
                return EmbeddedSpaces;
            }

            colon += start;
        }

        var hyphen = trimmed.LastIndexOf('-');
        hyphen = hyphen < 0 ? -1 : hyphen + start;

        parts.Start = start;
        parts.End = end;
        var upstreamStart = start;
        if (colon >= 0)
        {
            // A hyphen before the first colon makes the epoch invalid, which is reported first (as dpkg does).
            var error = ParseEpoch(text[start..colon], out parts.Epoch);
            if (error is not null)
            {
                return error;
            }

            if (colon == end - 1)
            {
                return NothingAfterColon;
            }

            parts.HasEpoch = true;
            upstreamStart = colon + 1;
        }

        parts.UpstreamStart = upstreamStart;
        if (hyphen >= upstreamStart)
        {
            if (hyphen == end - 1)
            {
                return RevisionEmpty;
            }

            parts.UpstreamEnd = hyphen;
            parts.RevisionStart = hyphen + 1;
        }
        else
        {
            parts.UpstreamEnd = end;
            parts.RevisionStart = -1;
        }

        return parts.UpstreamEnd == parts.UpstreamStart ? UpstreamEmpty : null;
    }

    /// <summary>Throws the exception for a <see cref="Split"/> error, naming the text.</summary>
    public static void ThrowIfError(ParseError? error, ReadOnlySpan<char> text, string? source = null)
    {
        if (error is not null)
        {
            var where = source is null ? "" : $" in {source}";
            throw new DebianVersionFormatException(error.Code, $"Version '{text}'{where} has bad syntax: {error.Message}.", text.ToString(), source);
        }
    }

    /// <summary>dpkg's warnings (not errors): a non-digit first character or characters outside the allowed sets.</summary>
    public static string? GetWarning(string upstream, string revision)
    {
        if (upstream.Length > 0 && !char.IsAsciiDigit(upstream[0]))
        {
            return "version number does not start with digit";
        }

        foreach (var c in upstream)
        {
            if (!char.IsAsciiLetterOrDigit(c) && ".-+~:".IndexOf(c) < 0)
            {
                return "invalid character in version number";
            }
        }

        foreach (var c in revision)
        {
            if (!char.IsAsciiLetterOrDigit(c) && ".+~".IndexOf(c) < 0)
            {
                return "invalid character in revision number";
            }
        }

        return null;
    }

    /// <summary>The epoch as C's <c>strtol</c> reads it: optional leading white space and sign, then digits only.</summary>
    private static ParseError? ParseEpoch(ReadOnlySpan<char> epoch, out int value)
    {
        value = 0;
        var k = 0;
        while (k < epoch.Length && IsCSpace(epoch[k]))
        {
            k++;
        }

        var negative = false;
        if (k < epoch.Length && (epoch[k] == '+' || epoch[k] == '-'))
        {
            negative = epoch[k] == '-';
            k++;
        }

        var digitsStart = k;
        long magnitude = 0;
        var overflow = false;
        while (k < epoch.Length && char.IsAsciiDigit(epoch[k]))
        {
            if (!overflow)
            {
                magnitude = (magnitude * 10) + (epoch[k] - '0');
                overflow = magnitude > int.MaxValue + 1L;
            }

            k++;
        }

        if (k == digitsStart)
        {
            // strtol consumed nothing, so its end pointer is the start of the string: dpkg reports "empty".
            return EpochEmpty;
        }

        if (k != epoch.Length)
        {
            return EpochNotNumber;
        }

        if (negative && magnitude != 0)
        {
            return EpochNegative;
        }

        if (overflow || magnitude > int.MaxValue)
        {
            return EpochTooBig;
        }

        value = (int)magnitude;
        return null;
    }

    private static bool IsBlank(char c) => c is ' ' or '\t';

    private static bool IsCSpace(char c) => c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r';
}
