namespace AptOstree.Deb.Solver;

/// <summary>What an EDSP stanza adds to a package version: APT's id for it and its installed state.</summary>
internal readonly record struct EdspVersionState(string AptId, bool Installed, bool Held, bool Automatic);
