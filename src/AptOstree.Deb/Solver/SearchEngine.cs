namespace AptOstree.Deb.Solver;

/// <summary>
/// The solver's search: a depth-first, backtracking assignment of package versions. True variables are
/// expanded in the order they were chosen (like APT's recursive MarkInstall); every or-group takes the first
/// viable alternative in preference order; choosing a version eagerly excludes its conflicts, its Breaks, the
/// other versions of its slot and its implicit Multi-Arch conflicts. A hard group without a viable alternative
/// backtracks to the latest choice; a Recommends group without one is skipped. Complete within its budget.
/// </summary>
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

    public SearchEngine(PackageUniverse universe, Func<int, bool> allowed, bool[]? broken = null)
    {
        _universe = universe;
        _allowed = allowed;
        _broken = broken;
        _value = new sbyte[universe.Packages.Count];
        _falseBecause = new int[universe.Packages.Count];
    }

    /// <summary>Maximum number of backtracks before giving up.</summary>
    public int BacktrackBudget { get; init; } = 200_000;

    public bool InstallRecommends { get; set; }

    /// <summary>Whether recommends of a given (already installed, kept) package are followed.</summary>
    public Func<int, bool>? FollowRecommendsOf { get; set; }

    public bool BudgetExhausted { get; private set; }

    public Failure? FirstFailure { get; private set; }

    public bool IsTrue(int id) => _value[id] == True;

    public bool IsFalse(int id) => _value[id] == False;

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
        foreach (int id in _trail)
        {
            _value[id] = Unknown;
        }

        _trail.Clear();
        _choices.Clear();
        FirstFailure = null;
        BudgetExhausted = false;
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
        string text;
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
            text = root.Description;
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
            candidates = group.Candidates;
            soft = group.IsSoft;
            text = group.Text;
        }

        foreach (int c in candidates)
        {
            if (_value[c] == True)
            {
                agenda = frame.Advance();
                return true;
            }
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

        if (viable == 0)
        {
            if (soft)
            {
                agenda = frame.Advance();
                return true;
            }

            FirstFailure ??= new Failure(Explain(frame, text, candidates));
            return false;
        }

        if (viable > 1 || soft)
        {
            _choices.Push(new ChoicePoint(_trail.Count, frame, candidates, Array.IndexOf(candidates, first), soft));
        }

        if (!Assign(first))
        {
            FirstFailure ??= new Failure(Explain(frame, text, candidates));
            return false;
        }

        agenda = new Frame(first, 0, frame.Advance(), frame);
        return true;
    }

    private bool Viable(int c) => _value[c] != False && _allowed(c) && (_broken is null || !_broken[c]);

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
            _value[_trail[i]] = Unknown;
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

        foreach (int y in _universe.ReverseConflicts(id))
        {
            if (_value[y] == True)
            {
                return false;
            }
        }

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
        }

        foreach (int y in _universe.ReverseConflicts(id))
        {
            SetFalse(y, id);
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
        return p.MultiArch == MultiArchKind.Same && q.MultiArch == MultiArchKind.Same && Versioning.DebianVersion.Compare(p.Version, q.Version) == 0;
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
            if (_value[c] == False && _falseBecause[c] >= 0)
            {
                chain.Add($"but {p} cannot be installed with {_universe.Packages[_falseBecause[c]]}, which is already selected (Conflicts/Breaks or one version per package)");
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
    public int ExcludedBy(int id) => _value[id] == False ? _falseBecause[id] : -1;

    internal sealed record Frame(int Package, int Group, Frame? Next, Frame? Parent)
    {
        public Frame Advance() => this with { Group = Group + 1 };
    }

    internal sealed record Failure(IReadOnlyList<string> Lines);

    private sealed record ChoicePoint(int TrailMark, Frame Frame, int[] Candidates, int Index, bool Soft);
}

/// <summary>One top-level demand of a solve: one of <see cref="Candidates"/> must (or, when soft, should) be installed.</summary>
internal sealed record RootRequest(int[] Candidates, bool Soft, string Description);
