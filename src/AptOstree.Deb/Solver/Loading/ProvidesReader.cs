namespace AptOstree.Deb.Solver;

/// <summary>
/// Reads a Provides field straight from its raw ASCII bytes into (name, version) ranges for the universe's provider
/// index, without making the field a string, with the SDK's one relation grammar (<see cref="RelationReader"/>).
/// A field with an upper-case name or an error gives false, and the caller takes <see cref="RelationCompiler"/>,
/// which lower-cases the names or reports the error against the package.
/// </summary>
internal static class ProvidesReader
{
    private static readonly RelationParseOptions Rules = RelationParseOptions.ForField("Provides");

    /// <summary>One provided name: ranges in the field bytes; version length -1 for an unversioned provide.</summary>
    internal readonly record struct ProvidedName(int NameStart, int NameLength, int VersionStart, int VersionLength);

    /// <summary>Appends the provided names of <paramref name="field"/> to <paramref name="result"/>; false (and nothing appended) otherwise.</summary>
    public static bool TryRead(ReadOnlySpan<byte> field, List<ProvidedName> result)
    {
        int count = result.Count;
        var sink = new RangeSink(result);
        try
        {
            RelationReader.Read(field, Rules, ref sink);
            return true;
        }
        catch (NotLowerCaseOrMalformed)
        {
            result.RemoveRange(count, result.Count - count);
            return false;
        }
    }

    private readonly struct RangeSink(List<ProvidedName> result) : IRelationSink<byte>
    {
        public void ArchitectureTerm(ReadOnlySpan<byte> text, int start, int length, bool negated)
        {
        }

        public void BuildProfileTerm(ReadOnlySpan<byte> text, int start, int length, bool negated, bool startsList)
        {
        }

        public void Relation(ReadOnlySpan<byte> text, in RelationSyntax r, bool alternative)
        {
            if (r.QualifierLength >= 0 || text.Slice(r.NameStart, r.NameLength).IndexOfAnyInRange((byte)'A', (byte)'Z') >= 0)
            {
                throw NotLowerCaseOrMalformed.Instance;
            }

            result.Add(new ProvidedName(r.NameStart, r.NameLength, Math.Max(r.VersionStart, 0), r.VersionLength));
        }

        public Exception Error(ReadOnlySpan<byte> text, string code, string problem, int offset, Exception? innerException) => NotLowerCaseOrMalformed.Instance;
    }

    /// <summary>The signal to take the general path (never leaves <see cref="TryRead"/>).</summary>
    private sealed class NotLowerCaseOrMalformed : Exception
    {
        public static NotLowerCaseOrMalformed Instance { get; } = new();
    }
}
