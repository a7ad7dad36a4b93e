namespace AptOstree.OSTree.Sysroot;

/// <summary>
/// The <c>.origin</c> keyfile beside a deployment: where it came from (<c>[origin] refspec</c>) and transient
/// state such as pinning (<c>[libostree-transient] pinned=true</c>). Immutable; the <c>With…</c> methods return
/// copies. Unknown groups and keys are preserved; comments are not, as with libostree (see <see cref="KeyFile"/>).
/// </summary>
public sealed class DeploymentOrigin
{
    /// <summary>The main group.</summary>
    public const string OriginGroup = "origin";

    /// <summary>The group libostree drops when an origin is copied to a new deployment.</summary>
    public const string TransientGroup = "libostree-transient";

    private readonly KeyFile _file;

    private DeploymentOrigin(KeyFile file)
    {
        _file = file;
    }

    /// <summary>An origin that tracks <paramref name="refspec"/>.</summary>
    public static DeploymentOrigin ForRefspec(string refspec)
    {
        ArgumentException.ThrowIfNullOrEmpty(refspec);
        var file = new KeyFile();
        file.SetString(OriginGroup, "refspec", refspec);
        return new DeploymentOrigin(file);
    }

    /// <summary>Parses an origin file.</summary>
    /// <exception cref="InvalidFormatException">The text is not a keyfile (<see cref="OstreeErrorCodes.InvalidKeyFile"/>).</exception>
    public static DeploymentOrigin Parse(string text, string sourceName = ".origin") => new(KeyFile.Parse(text, sourceName));

    /// <summary><c>[origin] refspec</c> (or rpm-ostree's <c>baserefspec</c>), when present.</summary>
    public string? Refspec => _file.GetString(OriginGroup, "refspec") ?? _file.GetString(OriginGroup, "baserefspec");

    /// <summary><c>[origin] override-commit</c>: a commit the deployment is held at.</summary>
    public string? OverrideCommit => _file.GetString(OriginGroup, "override-commit");

    /// <summary><c>[libostree-transient] pinned=true</c>: never garbage-collected.</summary>
    /// <exception cref="InvalidFormatException">The value is not a boolean.</exception>
    public bool IsPinned => _file.GetBoolean(TransientGroup, "pinned") ?? false;

    /// <summary>Any value, by group and key; null when absent.</summary>
    public string? GetValue(string group, string key) => _file.GetString(group, key);

    /// <summary>A copy with a value set.</summary>
    public DeploymentOrigin WithValue(string group, string key, string value)
    {
        var copy = _file.Clone();
        copy.SetString(group, key, value);
        return new DeploymentOrigin(copy);
    }

    /// <summary>A copy without <paramref name="group"/> (unchanged when there is none).</summary>
    public DeploymentOrigin WithoutGroup(string group)
    {
        var copy = _file.Clone();
        copy.RemoveGroup(group);
        return new DeploymentOrigin(copy);
    }

    /// <summary>A copy whose refspec is <paramref name="refspec"/>.</summary>
    public DeploymentOrigin WithRefspec(string refspec) => WithValue(OriginGroup, "refspec", refspec);

    /// <summary>A copy that is pinned or unpinned.</summary>
    public DeploymentOrigin WithPinned(bool pinned)
    {
        var copy = _file.Clone();
        if (pinned)
        {
            copy.SetString(TransientGroup, "pinned", "true");
        }
        else
        {
            // Like GLib's g_key_file_remove_key: the (now empty) group stays, so the bytes match ostree's.
            copy.Remove(TransientGroup, "pinned");
        }

        return new DeploymentOrigin(copy);
    }

    /// <summary>What a new deployment inherits: without the transient group, <c>override-commit</c> and <c>unlocked</c>.</summary>
    public DeploymentOrigin WithoutTransientState()
    {
        var copy = _file.Clone();
        copy.RemoveGroup(TransientGroup);
        copy.Remove(OriginGroup, "override-commit");
        copy.Remove(OriginGroup, "unlocked");
        return new DeploymentOrigin(copy);
    }

    /// <summary>The keyfile text.</summary>
    public override string ToString() => _file.ToString();
}
