using System.CommandLine;
using System.Globalization;
using AptOstree.Cli.Progress;
using AptOstree.OSTree;
using AptOstree.OSTree.GVariant;

namespace AptOstree.Cli.Commands;

/// <summary>`apt-ostree ostree commit --repo=R -b BRANCH --tree=dir=DIR [-s SUBJECT] [--timestamp=T] [--parent=P] …`.</summary>
internal static class OstreeCommitCommand
{
    public static Command Create()
    {
        var repo = new RepoOption();
        var branch = new Option<string?>("--branch", "-b") { Description = "Branch to update." };
        var subject = new Option<string?>("--subject", "-s") { Description = "One-line subject." };
        var body = new Option<string?>("--body", "-m") { Description = "Full description." };
        var bodyFile = new Option<string?>("--body-file", "-F") { Description = "Commit message from FILE path." };
        var skipIfUnchanged = new Option<bool>("--skip-if-unchanged") { Description = "If the contents are unchanged from previous commit, do nothing (prints the previous commit)." };
        var timestamp = new Option<string?>("--timestamp") { Description = "Commit time: seconds since the epoch or a date such as '2020-01-01 00:00:00 UTC'." };
        var parent = new Option<string?>("--parent") { Description = "Parent commit checksum, or 'none'." };
        var orphan = new Option<bool>("--orphan") { Description = "Create a commit without a parent." };
        var trees = new Option<string[]>("--tree") { Description = "dir=PATH or tar=FILE (repeatable; later trees overlay earlier ones).", AllowMultipleArgumentsPerToken = false };
        var canonical = new Option<bool>("--canonical-permissions") { Description = "uid/gid 0, modes masked with 0755, no xattrs." };
        var ownerUid = new Option<uint?>("--owner-uid") { Description = "Set file ownership user id." };
        var ownerGid = new Option<uint?>("--owner-gid") { Description = "Set file ownership group id." };
        var noXattrs = new Option<bool>("--no-xattrs") { Description = "Do not import extended attributes." };
        var noBindings = new Option<bool>("--no-bindings") { Description = "Do not add ref bindings to the commit metadata." };
        var bindRefs = new Option<string[]>("--bind-ref") { Description = "Add a ref to the ref binding (repeatable)." };
        var metadata = new Option<string[]>("--add-metadata-string") { Description = "KEY=VALUE string metadata (repeatable)." };
        var variantMetadata = new Option<string[]>("--add-metadata") { Description = "KEY=VALUE metadata, VALUE in GVariant text format (repeatable)." };
        var statOverride = new Option<string?>("--statoverride") { Description = "File containing list of modifications to make to permissions." };
        var skipList = new Option<string?>("--skip-list") { Description = "File containing list of files to skip." };
        var detachedMetadata = new Option<string[]>("--add-detached-metadata-string") { Description = "KEY=VALUE string detached metadata (repeatable)." };
        var keepMetadata = new Option<string[]>("--keep-metadata") { Description = "Keep metadata KEY and its associated VALUE from parent (repeatable)." };
        var gpgSign = new Option<string[]>("--gpg-sign") { Description = "GPG Key ID to sign the commit with (repeatable).", AllowMultipleArgumentsPerToken = false };
        var gpgKeys = new GpgKeyOptions();
        var sign = new Option<string[]>("--sign") { Description = "ed25519 secret key (base64) to sign the commit with (repeatable).", AllowMultipleArgumentsPerToken = false };
        var signType = new Option<string>("--sign-type") { Description = "Signature type to use (defaults to 'ed25519').", DefaultValueFactory = _ => "ed25519" };
        var path = new Argument<string?>("PATH") { Description = "Directory to commit (same as --tree=dir=PATH).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("commit", "Commit a new revision.")
        {
            repo, branch, subject, body, bodyFile, skipIfUnchanged, timestamp, parent, orphan, trees, canonical, ownerUid, ownerGid, noXattrs, noBindings, bindRefs, metadata, variantMetadata, keepMetadata, detachedMetadata, statOverride, skipList,
            gpgSign, gpgKeys.Homedir, gpgKeys.Keyring, sign, signType, path,
        };
        command.SetAction(parseResult =>
        {
            var repository = repo.Open(parseResult);
            var parentText = parseResult.GetValue(parent);
            if (parseResult.GetValue(branch) is null && !parseResult.GetValue(orphan))
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidOption, "A branch must be specified with --branch, or use --orphan.");
            }

            var options = new CommitOptions
            {
                Branch = parseResult.GetValue(branch),
                Subject = parseResult.GetValue(subject),
                Body = parseResult.GetValue(bodyFile) is string file ? File.ReadAllText(file) : parseResult.GetValue(body),
                SkipIfUnchanged = parseResult.GetValue(skipIfUnchanged),
                Timestamp = ParseTimestamp(parseResult.GetValue(timestamp)),
                Parent = parentText is null or "none" ? null : repository.ResolveRev(parentText),
                Orphan = parseResult.GetValue(orphan) || parentText == "none",
                NoBindings = parseResult.GetValue(noBindings),
                BindRefs = parseResult.GetValue(bindRefs),
                Metadata = [
                    .. KeyValues(parseResult.GetValue(metadata), "--add-metadata-string", GVariantValue.FromString),
                    .. KeyValues(parseResult.GetValue(variantMetadata), "--add-metadata", GVariantText.Parse),
                ],
            };
            if (parseResult.GetValue(signType) != "ed25519")
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"Unsupported --sign-type '{parseResult.GetValue(signType)}': only ed25519 is supported.");
            }

            // Keys are read before anything is written, and sign the commit before the branch moves.
            options = options with
            {
                GpgSigningKeys = (parseResult.GetValue(gpgSign) ?? []).Select(id => gpgKeys.Load(parseResult, id)).ToArray(),
                Ed25519SecretKeys = (parseResult.GetValue(sign) ?? []).Select(OstreeSignCommand.DecodeKey).ToArray(),
            };
            options = options with { DetachedMetadata = [.. KeyValues(parseResult.GetValue(detachedMetadata), "--add-detached-metadata-string", GVariantValue.FromString)] };
            if (parseResult.GetValue(keepMetadata) is { Length: > 0 } keys)
            {
                options = options with { Metadata = [.. options.Metadata ?? [], .. KeptMetadata(repository, options, keys)] };
            }

            var specs = (parseResult.GetValue(trees) ?? []).ToList();
            if (parseResult.GetValue(path) is string p)
            {
                specs.Add("dir=" + p);
            }

            if (specs.Count == 0)
            {
                throw new AptOstreeException(OstreeErrorCodes.InvalidOption, "no tree given (PATH or --tree=dir=PATH)");
            }

            var filter = CommitFilterFiles.Load(parseResult.GetValue(statOverride), parseResult.GetValue(skipList));
            var importOptions = new ImportOptions
            {
                CanonicalPermissions = parseResult.GetValue(canonical),
                OwnerUid = parseResult.GetValue(ownerUid),
                OwnerGid = parseResult.GetValue(ownerGid),
                NoXattrs = parseResult.GetValue(noXattrs),
                Filter = filter is null ? null : filter.Apply,
            };

            // Every --tree goes into one tree through one transaction, in order; a file meeting a directory fails as in ostree.
            using var signals = new TerminationSignals();
            var cancellationToken = signals.Token;
            var progress = ConsoleProgress.ForStandardError();
            Checksum commit;
            int objectsWritten;
            try
            {
                using var transaction = repository.PrepareTransaction();
                var builder = new MutableTreeBuilder(transaction, importOptions);
                foreach (var spec in specs)
                {
                    Import(builder, spec, progress, cancellationToken);
                }

                filter?.EnsureAllMatched();
                commit = transaction.WriteCommit(builder.Tree, options, cancellationToken);
                transaction.Complete(cancellationToken);
                objectsWritten = transaction.ContentObjectsWritten;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                progress.Complete(null);
                Console.Error.WriteLine("apt-ostree: commit interrupted; nothing was committed");
                return signals.ExitCode;
            }

            progress.Complete(progress.ObjectsSummary("commit", objectsWritten));
            Console.WriteLine(commit);
            return 0;
        });
        return command;
    }

    private static IEnumerable<KeyValuePair<string, GVariantValue>> KeyValues(string[]? pairs, string option, Func<string, GVariantValue> value) =>
        (pairs ?? []).Select(kv =>
        {
            int eq = kv.IndexOf('=', StringComparison.Ordinal);
            return eq <= 0
                ? throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"{option} expects KEY=VALUE, got '{kv}'.")
                : new KeyValuePair<string, GVariantValue>(kv[..eq], value(kv[(eq + 1)..]));
        });

    /// <summary>The parent's values of <paramref name="keys"/> (<c>--keep-metadata</c>), in the order given.</summary>
    private static List<KeyValuePair<string, GVariantValue>> KeptMetadata(OstreeRepository repository, CommitOptions options, string[] keys)
    {
        var parent = options.Parent ?? (options.Orphan || options.Branch is null ? null : repository.Refs.TryResolve(options.Branch))
            ?? throw new AptOstreeException(OstreeErrorCodes.InvalidOption, "Either --branch or --parent must be specified when using --keep-metadata.");
        var commit = repository.ReadCommit(parent);
        return keys.Select(key => new KeyValuePair<string, GVariantValue>(key, commit.GetMetadata(key)
            ?? throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"Missing metadata key '{key}' from commit '{parent}'.")))
            .ToList();
    }

    private static void Import(MutableTreeBuilder builder, string spec, IProgress<OperationProgress> progress, CancellationToken cancellationToken)
    {
        if (spec.StartsWith("dir=", StringComparison.Ordinal))
        {
            builder.ImportDirectory(spec[4..], progress, cancellationToken);
        }
        else if (spec.StartsWith("tar=", StringComparison.Ordinal))
        {
            using var tar = File.OpenRead(spec[4..]);
            builder.ImportTar(tar, spec[4..], progress, cancellationToken);
        }
        else if (spec.StartsWith("ref=", StringComparison.Ordinal))
        {
            builder.ImportCommit(builder.Transaction.Repository.ResolveRev(spec[4..]), progress, cancellationToken);
        }
        else
        {
            throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"Invalid --tree '{spec}': expected dir=, tar= or ref=.");
        }
    }

    internal static DateTimeOffset? ParseTimestamp(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        // "@SECONDS" is how ostree's date parser (gnulib parse_datetime) takes seconds since the epoch.
        if (long.TryParse(text.StartsWith('@') ? text[1..] : text, NumberStyles.Integer, CultureInfo.InvariantCulture, out long seconds))
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }

        string cleaned = text.EndsWith(" UTC", StringComparison.Ordinal) ? text[..^4] + "Z" : text;
        return DateTimeOffset.TryParse(cleaned, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var ts)
            ? ts
            : throw new AptOstreeException(OstreeErrorCodes.InvalidOption, $"Could not parse timestamp '{text}'.");
    }
}
