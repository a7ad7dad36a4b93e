using System.CommandLine;
using AptOstree.OSTree;
using AptOstree.OSTree.GVariant;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree show OBJECT`: a commit, its metadata keys and its signatures, in ostree's format.</summary>
internal static class OstreeShowCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var rev = new Argument<string>("OBJECT");
        var key = new Option<string?>("--print-metadata-key") { Description = "Print string value of metadata key." };
        var detachedKey = new Option<string?>("--print-detached-metadata-key") { Description = "Print string value of detached metadata key." };
        var raw = new Option<bool>("--raw") { Description = "Show raw variant data." };
        var gpgHomedir = new Option<string?>("--gpg-homedir") { Description = "GPG Homedir to use when looking for keyrings." };
        var command = new Command("show", "Output a metadata object.") { repo, rev, key, detachedKey, raw, gpgHomedir };
        command.SetAction(parseResult =>
        {
            var repository = repo.Open(parseResult);
            var checksum = repository.ResolveRev(parseResult.GetValue(rev)!);
            var commit = repository.ReadCommit(checksum);

            // Like ostree: the value's GVariant text, type-annotated and byte-swapped as ostree prints on little-endian hosts.
            if (parseResult.GetValue(key) is string k)
            {
                var value = commit.GetMetadata(k) ?? throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"No such metadata key '{k}'.");
                Console.WriteLine(GVariantText.Print(value.Type, GVariantText.ByteSwap(value.Value)));
                return 0;
            }

            if (parseResult.GetValue(detachedKey) is string d)
            {
                var detached = repository.Objects.ReadDetachedMetadata(checksum)?.FirstOrDefault(kv => kv.Key == d).Value
                    ?? throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"No such metadata key '{d}'.");
                Console.WriteLine(GVariantText.Print(detached.Type, GVariantText.ByteSwap(detached.Value)));
                return 0;
            }

            Console.Write(parseResult.GetValue(raw) ? OstreeCommitText.FormatRawCommit(repository, checksum) : OstreeCommitText.FormatCommit(checksum, commit));
            Console.Write(OstreeGpgSignatureText.Describe(repository, checksum, parseResult.GetValue(gpgHomedir)));
            return 0;
        });
        return command;
    }
}
