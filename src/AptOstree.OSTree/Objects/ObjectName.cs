namespace AptOstree.OSTree;

/// <summary>An object's identity: checksum and type, spelled <c>checksum.type</c> as libostree does.</summary>
/// <param name="Checksum">The object checksum.</param>
/// <param name="Type">The object type.</param>
public readonly record struct ObjectName(Checksum Checksum, ObjectType Type)
{
    /// <summary><c>checksum.extension</c>, e.g. <c>446a…5488.dirmeta</c>.</summary>
    public override string ToString() => $"{Checksum}.{Type.Extension()}";
}
