namespace AptOstree.Deb.Solver;

/// <summary>
/// The solver's search: a depth-first, backtracking assignment of package versions. True variables are
/// expanded in the order they were chosen (like APT's recursive MarkInstall); every or-group takes the first
/// viable alternative in preference order; choosing a version eagerly excludes its conflicts, its Breaks, the
/// other versions of its slot and its implicit Multi-Arch conflicts. A hard group without a viable alternative
/// backtracks to the latest choice; a Recommends group without one is skipped. Complete within its budget.
/// </summary>
/// <remarks>
/// Conflicts are symmetric, but only the chosen version's own Conflicts/Breaks are applied eagerly. A version whose
/// Conflicts/Breaks hit a chosen one is excluded lazily: <see cref="DeclaresConflictWithChosen"/> reads its declared
/// conflicts when the search looks at it, so the universe never needs the reverse index over every version's
/// Conflicts/Breaks (most of which the search never reaches). The outcome equals eager exclusion: whether a version
/// is excluded depends only on the set of chosen versions, not on the order in which they were chosen.
/// </remarks>
internal sealed class SearchEngine
{
    private const sbyte Unknown = 0;
    private const sbyte True = 1;
    private const sbyte False = -1;

    private readonly PackageUniverse _universe;
    private readonly sbyte[] _value;
    private readonly int[] _falseBecause;
    private readonly List<int> _trail = [];
    private readonly Stack<ChoicePoint> _choices = new();
    private readonly Func<int, bool> _allowed;
    private readonly bool[]? _broken;

    /// <summary>Per version, the chosen versions whose Conflicts/Breaks hit it (a stack: undone in reverse order).</summary>
    private readonly List<int>?[] _hitByChosen;

    public SearchEngine(PackageUniverse universe, Func<int, bool> allowed, bool[]? broken = null)
    {
        _universe = universe;
        _allowed = allowed;
        _broken = broken;
        _value = new sbyte[universe.Packages.Count];
        _falseBecause = new int[universe.Packages.Count];
        _hitByChosen = new List<int>?[universe.Packages.Count];
        foreach (int id in universe.InstalledIds)
        {
            (_installedSlot ??= new bool[universe.SlotCount])[universe.SlotOf(id)] = true;
        }
    }

    private readonly bool[]? _installedSlot;

    /// <summary>Maximum number of backtracks before giving up.</summary>
    public int BacktrackBudget { get; init; } = 200_000;

    public bool InstallRecommends { get; set; }

    /// <summary>Whether recommends of a given (already installed, kept) package are followed.</summary>
    public Func<int, bool>? FollowRecommendsOf { get; set; }

    /// <summary>Whether one Recommends group of a version is followed (APT's rule for upgraded packages).</summary>
    public Func<int, DependencyGroup, bool>? FollowRecommendation { get; set; }

    public bool BudgetExhausted { get; private set; }

    /// <summary>
    /// Versions the plan already holds before they are reached (kept installed versions, upgrade targets): an
    /// or-group takes such a version first, as APT treats the group as satisfied by it.
    /// </summary>
    public Func<int, bool>? Planned { get; set; }

    /// <summary>
    /// When set, a chosen version for which this returns true may be displaced by a later, preferred alternative
    /// that declares a conflict with it (APT's MarkInstall un-marks such a new install); the search then stops
    /// with <see cref="DisplacementRequest"/> so that the caller can search again without the displaced versions.
    /// </summary>
    public Func<int, bool>? Displaceable { get; set; }

    /// <summary>The versions a preferred alternative wants displaced; set when <see cref="Solve"/> stopped for that reason.</summary>
    public IReadOnlyList<int>? DisplacementRequest { get; private set; }

    public Failure? FirstFailure { get; private set; }

    public bool IsTrue(int id) => _value[id] == True;

    public bool IsFalse(int id) => _value[id] == False || (_value[id] == Unknown && DeclaresConflictWithChosen(id));

    public IEnumerable<int> TrueIds()
    {
        foreach (int id in _trail)
        {
            if (_value[id] == True)
            {
                yield return id;
            }
        }
    }

    /// <summary>Forbids a version before the search (e.g. a requested removal).</summary>
    public bool Forbid(int id, int because = -2)
    {
        if (_value[id] == True)
        {
            return false;
        }

        if (_value[id] == Unknown)
        {
            SetFalse(id, because);
        }

        return true;
    }

    /// <summary>Clears every assignment so the engine can be reused.</summary>
    public void Reset()
    {
        Undo(0);
        _choices.Clear();
        FirstFailure = null;
        BudgetExhausted = false;
        DisplacementRequest = null;
    }

    /// <summary>
    /// Runs the search. <paramref name="roots"/> are groups of alternatives that must each get one true
    /// version (a single-element group is a plain install); soft roots are tried and dropped
    /// when impossible (packages kept installed, preferred upgrades).
    /// </summary>
    public bool Solve(IReadOnlyList<RootRequest> roots)
    {
        Frame? agenda = null;
        for (int i = roots.Count - 1; i >= 0; i--)
        {
            agenda = new Frame(-1 - i, 0, agenda, null);
        }

        _rootRequests = roots;
        int backtracks = 0;
        while (true)
        {
            if (agenda is null)
            {
                return true;
            }

            if (!Step(ref agenda))
            {
                if (DisplacementRequest is not null)
                {
                    return false;
                }

                if (++backtracks > BacktrackBudget)
                {
                    BudgetExhausted = true;
                    return false;
                }

                if (!Backtrack(out agenda))
                {
                    return false;
                }
            }
        }
    }

    private IReadOnlyList<RootRequest> _rootRequests = [];

    /// <summary>Processes the head of the agenda; false means a hard conflict (caller backtracks).</summary>
    private bool Step(ref Frame? agenda)
    {
        var frame = agenda!;
        int[] candidates;
        bool soft;
        string? rootText = null;
        DependencyGroup? dependency = null;
        if (frame.Package < 0)
        {
            var root = _rootRequests[-1 - frame.Package];
            if (frame.Group > 0)
            {
                agenda = frame.Next;
                return true;
            }

            candidates = root.Candidates;
            soft = root.Soft;
            rootText = root.Description;
        }
        else
        {
            var compiled = _universe.Compiled(frame.Package);
            int hardCount = compiled.Hard.Length;
            bool recommends = InstallRecommends && (FollowRecommendsOf?.Invoke(frame.Package) ?? true);
            int total = hardCount + (recommends ? compiled.Recommends.Length : 0);
            if (frame.Group >= total)
            {
                agenda = frame.Next;
                return true;
            }

            var group = frame.Group < hardCount ? compiled.Hard[frame.Group] : compiled.Recommends[frame.Group - hardCount];
            if (group.IsSoft && FollowRecommendation is not null && !FollowRecommendation(frame.Package, group))
            {
                agenda = frame.Advance();
                return true;
            }

            candidates = group.Candidates;
            soft = group.IsSoft;
            dependency = group;
        }

        foreach (int c in candidates)
        {
            if (_value[c] == True)
            {
                agenda = frame.Advance();
                return true;
            }
        }

        if (_installedSlot is not null)
        {
            candidates = InstalledFirst(candidates);
        }

        int first = -1;
        int viable = 0;
        foreach (int c in candidates)
        {
            if (Viable(c))
            {
                if (first < 0)
                {
                    first = c;
                }

                viable++;
            }
        }

        if (Displaceable is not null && FindDisplacement(candidates, first) is { } displaced)
        {
            DisplacementRequest = displaced;
            return false;
        }

        if (viable == 0)
        {
            if (soft)
            {
                agenda = frame.Advance();
                return true;
            }

            FirstFailure ??= new Failure(Explain(frame, rootText ?? dependency!.Text, candidates));
            return false;
        }

        if (viable > 1 || soft)
        {
            _choices.Push(new ChoicePoint(_trail.Count, frame, candidates, Array.IndexOf(candidates, first), soft));
        }

        if (!Assign(first))
        {
            FirstFailure ??= new Failure(Explain(frame, rootText ?? dependency!.Text, candidates));
            return false;
        }

        agenda = new Frame(first, 0, frame.Advance(), frame);
        return true;
    }

    /// <summary>
    /// APT's order inside an or-group (getAllPossibleSolutions): versions the plan already holds, then versions of
    /// installed packages, then the rest, each part in the compiled order.
    /// </summary>
    private int[] InstalledFirst(int[] candidates)
    {
        int planned = 0;
        int installed = 0;
        foreach (int c in candidates)
        {
            if (Planned?.Invoke(c) == true)
            {
                planned++;
            }
            else if (_installedSlot![_universe.SlotOf(c)])
            {
                installed++;
            }
        }

        if (planned + installed == 0 || (planned == candidates.Length) || (planned == 0 && installed == candidates.Length))
        {
            return candidates;
        }

        var ordered = new int[candidates.Length];
        int p = 0, i = planned, r = planned + installed;
        foreach (int c in candidates)
        {
            if (Planned?.Invoke(c) == true)
            {
                ordered[p++] = c;
            }
            else if (_installedSlot![_universe.SlotOf(c)])
            {
                ordered[i++] = c;
            }
            else
            {
                ordered[r++] = c;
            }
        }

        return ordered;
    }

    /// <summary>
    /// The versions to displace when an alternative preferred over <paramref name="first"/> is excluded only by
    /// displaceable versions it declares Conflicts/Breaks against; null when there is none.
    /// </summary>
    private List<int>? FindDisplacement(int[] candidates, int first)
    {
        foreach (int c in candidates)
        {
            if (c == first)
            {
                return null;
            }

            bool excludedByChoice = _value[c] == False ? _falseBecause[c] >= 0 : _value[c] == Unknown && DeclaresConflictWithChosen(c);
            if (!excludedByChoice || !_allowed(c) || (_broken is not null && _broken[c]))
            {
                continue;
            }

            var declared = _universe.ConflictIds(c);
            var blockers = new List<int>();
            foreach (int y in declared)
            {
                if (_value[y] == True)
                {
                    blockers.Add(y);
                }
            }

            bool onlyDeclared = blockers.Count > 0 && blockers.All(Displaceable!);
            if (_hitByChosen[c] is { } hitters)
            {
                foreach (int y in hitters)
                {
                    onlyDeclared &= Array.IndexOf(declared, y) >= 0;
                }
            }

            int slot = _universe.SlotOf(c);
            foreach (int y in _universe.IdsOfName(_universe.Packages[c].Name))
            {
                onlyDeclared &= y == c || _value[y] != True || CanCoexist(_universe.Packages[c], slot, y);
            }

            if (onlyDeclared)
            {
                return blockers;
            }
        }

        return null;
    }

    private bool Viable(int c) => _value[c] != False && _allowed(c) && (_broken is null || !_broken[c]) && !DeclaresConflictWithChosen(c);

    /// <summary>True when a Conflicts/Breaks of <paramref name="id"/> hits a chosen version (the lazy half of symmetric conflicts).</summary>
    private bool DeclaresConflictWithChosen(int id) => FirstChosenConflict(id) >= 0;

    private int FirstChosenConflict(int id)
    {
        foreach (int y in _universe.ConflictIds(id))
        {
            if (_value[y] == True)
            {
                return y;
            }
        }

        return -1;
    }

    private bool Backtrack(out Frame? agenda)
    {
        while (_choices.Count > 0)
        {
            var cp = _choices.Pop();
            Undo(cp.TrailMark);
            for (int i = cp.Index + 1; i < cp.Candidates.Length; i++)
            {
                int c = cp.Candidates[i];
                if (!Viable(c))
                {
                    continue;
                }

                _choices.Push(cp with { Index = i });
                if (!Assign(c))
                {
                    _choices.Pop();
                    Undo(cp.TrailMark);
                    continue;
                }

                agenda = new Frame(c, 0, cp.Frame.Advance(), cp.Frame);
                return true;
            }

            if (cp.Soft)
            {
                agenda = cp.Frame.Advance();
                return true;
            }
        }

        agenda = null;
        return false;
    }

    private void Undo(int mark)
    {
        for (int i = _trail.Count - 1; i >= mark; i--)
        {
            int id = _trail[i];
            if (_value[id] == True)
            {
                foreach (int y in _universe.ConflictIds(id))
                {
                    var hitters = _hitByChosen[y]!;
                    hitters.RemoveAt(hitters.Count - 1);
                }
            }

            _value[id] = Unknown;
        }

        _trail.RemoveRange(mark, _trail.Count - mark);
    }

    /// <summary>Sets a version true and excludes everything it cannot coexist with.</summary>
    private bool Assign(int id)
    {
        if (_value[id] == False)
        {
            return false;
        }

        if (_value[id] == True)
        {
            return true;
        }

        // Check first so that a failed assignment leaves nothing behind.
        var p = _universe.Packages[id];
        var compiled = _universe.Compiled(id);
        foreach (int y in compiled.Conflicts)
        {
            if (_value[y] == True)
            {
                return false;
            }
        }

        // A chosen version whose Conflicts/Breaks hit this one has already set it false (the check above).
        int slot = _universe.SlotOf(id);
        foreach (int y in _universe.IdsOfName(p.Name))
        {
            if (y != id && _value[y] == True && !CanCoexist(p, slot, y))
            {
                return false;
            }
        }

        _value[id] = True;
        _trail.Add(id);
        foreach (int y in compiled.Conflicts)
        {
            SetFalse(y, id);
            (_hitByChosen[y] ??= new List<int>(1)).Add(id);
        }

        foreach (int y in _universe.IdsOfName(p.Name))
        {
            if (y != id && !CanCoexist(p, slot, y))
            {
                SetFalse(y, id);
            }
        }

        return true;
    }

    /// <summary>Implicit Multi-Arch rules: one version per slot; other architectures only for M-A: same at the same version.</summary>
    private bool CanCoexist(UniversePackage p, int slot, int other)
    {
        if (_universe.SlotOf(other) == slot)
        {
            return false;
        }

        var q = _universe.Packages[other];
        return p.MultiArch == MultiArchKind.Same && q.MultiArch == MultiArchKind.Same && DebianVersion.Compare(p.Version, q.Version) == 0;
    }

    private void SetFalse(int id, int because)
    {
        if (_value[id] != Unknown)
        {
            return;
        }

        _value[id] = False;
        _falseBecause[id] = because;
        _trail.Add(id);
    }

    /// <summary>The dependency chain from a request down to <paramref name="frame"/>, and why no alternative is left.</summary>
    private List<string> Explain(Frame frame, string text, int[] candidates)
    {
        var chain = new List<string>();
        for (var f = frame; f is not null; f = f.Parent)
        {
            if (f.Package < 0)
            {
                chain.Add($"the request needs {_rootRequests[-1 - f.Package].Description}");
                continue;
            }

            var compiled = _universe.Compiled(f.Package);
            int hard = compiled.Hard.Length;
            var group = f.Group < hard ? compiled.Hard[f.Group] : compiled.Recommends[Math.Min(f.Group - hard, compiled.Recommends.Length - 1)];
            string verb = group.Kind switch
            {
                DependencyKind.PreDepends => "pre-depends on",
                DependencyKind.Recommends => "recommends",
                _ => "depends on",
            };
            chain.Add($"{_universe.Packages[f.Package]} {verb} {group.Text}");
        }

        chain.Reverse();
        if (candidates.Length == 0)
        {
            chain.Add($"but no available version satisfies '{text}'");
        }

        foreach (int c in candidates.Take(8))
        {
            var p = _universe.Packages[c];
            int excluder = _value[c] == False ? _falseBecause[c] : _value[c] == Unknown ? FirstChosenConflict(c) : -1;
            if (excluder >= 0)
            {
                chain.Add($"but {p} cannot be installed with {_universe.Packages[excluder]}, which is already selected (Conflicts/Breaks or one version per package)");
            }
            else if (_value[c] == False)
            {
                chain.Add($"but {p} is excluded by the request");
            }
            else if (_broken is not null && _broken[c])
            {
                chain.Add($"but {p} can never be installed: one of its own dependencies has no installable version");
            }
            else if (!_allowed(c))
            {
                chain.Add($"but {p} is not the candidate version");
            }
        }

        return chain;
    }

    /// <summary>The version that excluded <paramref name="id"/>, or a negative value.</summary>
    public int ExcludedBy(int id) => _value[id] == False ? _falseBecause[id] : _value[id] == Unknown ? FirstChosenConflict(id) : -1;

    internal sealed record Frame(int Package, int Group, Frame? Next, Frame? Parent)
    {
        public Frame Advance() => this with { Group = Group + 1 };
    }

    internal sealed record Failure(IReadOnlyList<string> Lines);

    private sealed record ChoicePoint(int TrailMark, Frame Frame, int[] Candidates, int Index, bool Soft);
}

/// <summary>One top-level demand of a solve: one of <see cref="Candidates"/> must (or, when soft, should) be installed.</summary>
internal sealed record RootRequest(int[] Candidates, bool Soft, string Description);
