namespace AptOstree.OSTree;

/// <summary>One problem found by fsck.</summary>
/// <param name="Object">The object at fault, when the problem concerns one.</param>
/// <param name="Message">What is wrong, naming the object.</param>
/// <param name="ErrorCode">The error code of the underlying failure.</param>
public sealed record FsckProblem(ObjectName? Object, string Message, string ErrorCode);

/// <summary>What fsck checked and found.</summary>
/// <param name="ObjectsChecked">Objects re-hashed and validated.</param>
/// <param name="CommitsChecked">Commits whose trees were walked for missing objects.</param>
/// <param name="Problems">Everything wrong, in discovery order.</param>
public sealed record FsckResult(int ObjectsChecked, int CommitsChecked, IReadOnlyList<FsckProblem> Problems)
{
    /// <summary>True when nothing is wrong.</summary>
    public bool IsClean => Problems.Count == 0;
}
