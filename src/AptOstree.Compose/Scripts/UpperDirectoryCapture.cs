using AptOstree.Deb;
using AptOstree.Posix;

namespace AptOstree.Compose;

/// <summary>
/// Reads an overlay upper directory as the list of changes it stands for. The directory is read by GNU tar run with
/// the sandbox's identity (inside its user namespace when unprivileged), for two reasons: files that commands gave
/// to other users with private modes are readable there, and the kernel reports every owner, group and
/// <c>security.capability</c> in the sandbox's terms, exactly as a run as root would have written them.
/// </summary>
internal static class UpperDirectoryCapture
{
    public static SandboxChanges Capture(SandboxIdentity identity, SandboxHostTools tools, string upper, LowerTree lower, IReadOnlySet<string> sandboxMountPoints)
    {
        using var session = NamespaceSession.Start(identity, tools, mount: false);
        var argv = session?.EnterPrefix() ?? [];
        argv.AddRange([
            tools.Tar, "--create", "--file=-", "--directory=" + upper, "--format=posix", "--numeric-owner",
            "--xattrs", "--xattrs-include=*", "--hard-dereference", "--one-file-system", ".",
        ]);
        using var process = HostProcess.Start(argv, upper);
        var stderr = process.StandardError.ReadToEndAsync();
        var changes = new List<SandboxChange>();
        try
        {
            using (var reader = new TarArchiveReader(process.StandardOutput.BaseStream, leaveOpen: true, sourceName: upper, memberName: "tar"))
            {
                while (reader.GetNextEntry() is { } entry)
                {
                    if (ToChange(entry, identity, lower, sandboxMountPoints) is { } change)
                    {
                        changes.Add(change);
                    }
                }
            }

            // tar pads its output to a whole record after the end-of-archive blocks; drain it so tar can exit.
            process.StandardOutput.BaseStream.CopyTo(Stream.Null);
        }
        catch (InvalidFormatException ex)
        {
            HostProcess.KillTree(process);
            process.WaitForExit();
            throw new ScriptSandboxException(ComposeErrorCodes.SandboxCaptureFailed, $"Reading the sandbox's changes in {upper} failed: {ex.Message} {stderr.Result.Trim()}", innerException: ex);
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new ScriptSandboxException(
                ComposeErrorCodes.SandboxCaptureFailed,
                $"Reading the sandbox's changes in {upper} failed: tar exited {process.ExitCode}: {stderr.Result.Trim()}");
        }

        return new SandboxChanges(changes);
    }

    private static SandboxChange? ToChange(TarArchiveEntry entry, SandboxIdentity identity, LowerTree lower, IReadOnlySet<string> sandboxMountPoints)
    {
        string path = TarPath.Normalize(entry.Name);
        // The root's metadata is the upper directory's own, not something a command did; a mount point the sandbox
        // had to create (the lower tree lacks it) stays empty because the mount covers it during every run.
        if (path.Length == 0 || sandboxMountPoints.Contains(path))
        {
            return null;
        }

        bool existsInLower = lower.TryGetStatus(path, out var lowerStatus);
        if (IsWhiteout(entry))
        {
            return new SandboxChange { Path = path, Kind = SandboxChangeKind.Deleted, ExistsInLower = existsInLower };
        }

        var attributes = new Dictionary<string, ReadOnlyMemory<byte>>(StringComparer.Ordinal);
        foreach (var (name, value) in entry.ExtendedAttributes)
        {
            if (!OverlayAttributes.IsInternal(name))
            {
                attributes[name] = value;
            }
        }

        var type = entry.Type switch
        {
            TarArchiveEntryType.RegularFile => PosixFileType.RegularFile,
            TarArchiveEntryType.Directory => PosixFileType.Directory,
            TarArchiveEntryType.SymbolicLink => PosixFileType.SymbolicLink,
            TarArchiveEntryType.CharacterDevice => PosixFileType.CharacterDevice,
            TarArchiveEntryType.BlockDevice => PosixFileType.BlockDevice,
            TarArchiveEntryType.Fifo => PosixFileType.Fifo,
            _ => throw new ScriptSandboxException(ComposeErrorCodes.SandboxCaptureFailed, $"Unexpected {entry.Type} entry '{path}' in the sandbox's upper directory."),
        };
        bool opaque = type == PosixFileType.Directory
            && entry.ExtendedAttributes.TryGetValue(OverlayAttributes.Opaque, out var opaqueValue)
            && opaqueValue.Span.SequenceEqual("y"u8);

        // A directory is in the upper tree whenever something beneath it changed (overlayfs copies the parents up
        // first); it is only a change of its own when it is new, replaces the lower directory, or has new metadata.
        if (type == PosixFileType.Directory && !opaque && existsInLower && lowerStatus.IsDirectory
            && identity.ToSandboxUid(lowerStatus.Uid) == (uint)entry.Uid
            && identity.ToSandboxGid(lowerStatus.Gid) == (uint)entry.Gid
            && lowerStatus.Permissions == entry.Permissions
            && SameAttributes(lower.GetExtendedAttributes(path), attributes))
        {
            return null;
        }

        bool metadataChanged = !existsInLower
            || lowerStatus.FileType != type
            || identity.ToSandboxUid(lowerStatus.Uid) != (uint)entry.Uid
            || identity.ToSandboxGid(lowerStatus.Gid) != (uint)entry.Gid
            || lowerStatus.Permissions != entry.Permissions;
        return new SandboxChange
        {
            Path = path,
            Kind = SandboxChangeKind.Written,
            Type = type,
            Permissions = entry.Permissions,
            Uid = (uint)entry.Uid,
            Gid = (uint)entry.Gid,
            Size = entry.Size,
            LinkTarget = type == PosixFileType.SymbolicLink ? entry.LinkTarget : null,
            ModificationTime = entry.ModificationTime,
            ExtendedAttributes = attributes,
            IsOpaque = opaque,
            ExistsInLower = existsInLower,
            MetadataChanged = metadataChanged,
        };
    }

    // overlayfs marks a deletion with a 0/0 character device, or (kernel 6.7+, for nested overlays) a regular file
    // carrying the whiteout xattr. It never uses the ".wh." file names of OCI layer tarballs: a file of that name in
    // the upper directory is a real file a command made.
    private static bool IsWhiteout(TarArchiveEntry entry) =>
        (entry.Type == TarArchiveEntryType.CharacterDevice && entry.DeviceMajor == 0 && entry.DeviceMinor == 0)
        || (entry.Type == TarArchiveEntryType.RegularFile && entry.ExtendedAttributes.ContainsKey(OverlayAttributes.Whiteout));

    private static bool SameAttributes(Dictionary<string, ReadOnlyMemory<byte>> a, Dictionary<string, ReadOnlyMemory<byte>> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var other) && other.Span.SequenceEqual(kv.Value.Span));
}
