namespace AptOstree.Compose.Layering;

/// <summary>A dpkg trigger a layering transaction activates, and the packages whose <c>postinst triggered</c> it runs.</summary>
/// <param name="Name">The trigger: an absolute path for a file trigger, else an explicit trigger's name.</param>
/// <param name="Interested">The packages interested in it (the tree's trigger registry, then the new packages), by name.</param>
public sealed record LayeringTrigger(string Name, IReadOnlyList<string> Interested)
{
    /// <summary><c>NAME (PKG, …)</c>.</summary>
    public override string ToString() => $"{Name} ({string.Join(", ", Interested)})";
}
