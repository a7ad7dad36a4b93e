namespace AptOstree.Deb;

/// <summary>Where one field lives inside its paragraph's raw text (no strings are cut until asked for).</summary>
internal struct Deb822FieldEntry
{
    public string Name;
    public int RawStart;
    public int RawLength;
    public int ValueStart;
    public int ValueLength;

    /// <summary>Comment lines sit between the field's lines, so the value is not one contiguous slice.</summary>
    public bool HasInterleavedComments;
}
