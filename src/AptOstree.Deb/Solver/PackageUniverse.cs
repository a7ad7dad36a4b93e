using System.Runtime.InteropServices;

namespace AptOstree.Deb.Solver;

/// <summary>
/// All package versions the solver may choose from (several indexes, several architectures) plus the installed
/// state, with name, provides and conflict lookups. Immutable once created; safe to share between solvers.
/// </summary>
public sealed class PackageUniverse
{
    private readonly UniversePackage[] _packages;
    private readonly Dictionary<string, int[]> _byName;
    private readonly Dictionary<string, List<(int Id, string? Version)>> _providers;
    private readonly int[] _slot;
    private readonly bool[] _isCandidate;
    private readonly CompiledPackage?[] _compiled;

    /// <summary>Per version, its name's <see cref="MentionRank"/> plus one (0: not looked up yet): sorting providers asks often.</summary>
    private readonly long[] _mentionRankOfId;
    private readonly int[]?[] _conflicts;
    private Dictionary<string, int>? _mentionOrder;

    /// <param name="packages">The versions, ids already assigned.</param>
    /// <param name="byName">The ids of each name, ascending (built by <see cref="Create(IEnumerable{UniversePackage}, string, IEnumerable{string}?, bool)"/>).</param>
    /// <param name="nativeArchitecture">The native architecture.</param>
    /// <param name="architectures">Native plus foreign architectures.</param>
    private PackageUniverse(UniversePackage[] packages, Dictionary<string, int[]> byName, string nativeArchitecture, IReadOnlyList<string> architectures)
    {
        _packages = packages;
        NativeArchitecture = nativeArchitecture;
        Architectures = architectures;
        _compiled = new CompiledPackage?[packages.Length];
        _mentionRankOfId = new long[packages.Length];
        _conflicts = new int[]?[packages.Length];

        _byName = byName;

        // The ids of each version's name, without a lookup per version.
        var idsOfName = new int[packages.Length][];
        foreach (var ids in byName.Values)
        {
            foreach (int id in ids)
            {
                idsOfName[id] = ids;
            }
        }

        var providers = new Dictionary<string, List<(int Id, string? Version)>>(StringComparer.Ordinal);
        var providerLookup = providers.GetAlternateLookup<ReadOnlySpan<char>>();
        var provided = new List<ProvidesReader.ProvidedName>();
        Span<char> nameBuffer = stackalloc char[256];
        _slot = new int[packages.Length];
        int slotCount = 0;
        for (int i = 0; i < packages.Length; i++)
        {
            var p = packages[i];

            // One slot per (name, effective architecture): share the slot of an earlier version of the same pair.
            string arch = EffectiveArchitecture(p.Architecture);
            int slot = -1;
            foreach (int other in idsOfName[i])
            {
                if (other >= i)
                {
                    break;
                }

                if (EffectiveArchitecture(packages[other].Architecture) == arch)
                {
                    slot = _slot[other];
                    break;
                }
            }

            _slot[i] = slot >= 0 ? slot : slotCount++;
            provided.Clear();
            if (p.Relations.TryGetRawAscii(RelationField.Provides, out var rawProvides) && ProvidesReader.TryRead(rawProvides, provided))
            {
                foreach (var provide in provided)
                {
                    var name = Widen(rawProvides.Slice(provide.NameStart, provide.NameLength), nameBuffer);
                    if (!providerLookup.TryGetValue(name, out var plist))
                    {
                        providerLookup[name] = plist = [];
                    }

                    plist.Add((i, provide.VersionLength < 0 ? null : VersionText(p, rawProvides.Slice(provide.VersionStart, provide.VersionLength))));
                }
            }
            else if (p.Provides is { Length: > 0 } provides)
            {
                foreach (var group in RelationCompiler.Parse(provides, "Provides", p))
                {
                    foreach (var atom in group)
                    {
                        if (!providers.TryGetValue(atom.Name, out var plist))
                        {
                            providers[atom.Name] = plist = [];
                        }

                        plist.Add((i, atom.Operator == VersionOperator.Equal ? atom.Version : null));
                    }
                }
            }
        }

        _providers = providers;

        SlotCount = slotCount;

        // Candidate per slot: highest pin, then highest version (APT's policy without pin files); like APT, a
        // version older than the installed one is never the candidate unless its pin is 1000 or more.
        var installedVersion = new string?[SlotCount];
        var installedIds = new List<int>();
        for (int i = 0; i < packages.Length; i++)
        {
            if (packages[i].IsInstalled)
            {
                installedVersion[_slot[i]] = packages[i].Version;
                installedIds.Add(i);
            }
        }

        InstalledIds = [.. installedIds];

        var best = new int[SlotCount];
        Array.Fill(best, -1);
        for (int i = 0; i < packages.Length; i++)
        {
            int s = _slot[i];
            int b = best[s];
            if (installedVersion[s] is { } installed && !packages[i].IsInstalled && packages[i].Pin < 1000
                && DebianVersion.Compare(packages[i].Version, installed) < 0)
            {
                continue;
            }

            if (b < 0 || IsBetterCandidate(packages[i], packages[b]))
            {
                best[s] = i;
            }
        }

        _isCandidate = new bool[packages.Length];
        foreach (int b in best)
        {
            _isCandidate[b] = true;
        }
    }

    /// <summary>ASCII bytes as chars, in <paramref name="buffer"/> when they fit.</summary>
    private static ReadOnlySpan<char> Widen(ReadOnlySpan<byte> ascii, Span<char> buffer)
    {
        var chars = ascii.Length <= buffer.Length ? buffer[..ascii.Length] : new char[ascii.Length];
        System.Text.Encoding.Latin1.GetChars(ascii, chars);
        return chars;
    }

    /// <summary>A provided version as a string: the package's own version string when equal (the usual case).</summary>
    private static string VersionText(UniversePackage p, ReadOnlySpan<byte> version) =>
        RecentStrings.Equal(p.Version, version) ? p.Version : System.Text.Encoding.ASCII.GetString(version);

    /// <summary>The native architecture (<c>dpkg --print-architecture</c>).</summary>
    public string NativeArchitecture { get; }

    /// <summary>Native plus foreign architectures.</summary>
    public IReadOnlyList<string> Architectures { get; }

    /// <summary>Every package version, indexed by <see cref="UniversePackage.Id"/>.</summary>
    public IReadOnlyList<UniversePackage> Packages => _packages;

    /// <summary>Ids of the installed versions, ascending (the solver visits them without touching every version).</summary>
    internal int[] InstalledIds { get; }

    /// <summary>Number of (name, architecture) slots.</summary>
    internal int SlotCount { get; }

    /// <summary>
    /// Builds a universe. Versions listed twice (same name, architecture and version, e.g. in an index and in the
    /// dpkg status) are merged: the first index entry wins, the installed flag is kept.
    /// </summary>
    /// <param name="packages">Versions from indexes and the installed state.</param>
    /// <param name="nativeArchitecture">The native architecture.</param>
    /// <param name="foreignArchitectures">Foreign architectures enabled with <c>dpkg --add-architecture</c>.</param>
    public static PackageUniverse Create(IEnumerable<UniversePackage> packages, string nativeArchitecture, IEnumerable<string>? foreignArchitectures = null) =>
        Create(packages, nativeArchitecture, foreignArchitectures, ownsRecords: false);

    /// <summary>
    /// Like the public overload; with <paramref name="ownsRecords"/> the records are fresh from a reader and held by
    /// no one else, so their ids are set in place instead of on copies.
    /// </summary>
    internal static PackageUniverse Create(IEnumerable<UniversePackage> packages, string nativeArchitecture, IEnumerable<string>? foreignArchitectures, bool ownsRecords)
    {
        ArgumentNullException.ThrowIfNull(packages);
        ArgumentException.ThrowIfNullOrEmpty(nativeArchitecture);
        var archs = new List<string> { nativeArchitecture };
        archs.AddRange((foreignArchitectures ?? []).Where(a => a != nativeArchitecture).Distinct());
        var list = new List<UniversePackage>(packages.TryGetNonEnumeratedCount(out int count) ? count : 0);

        // The ids of each name, ascending: duplicates of a (name, architecture, version) are found among the few
        // versions of one name, and the universe keeps the table as its name index.
        var byName = new Dictionary<string, int[]>(list.Capacity, StringComparer.Ordinal);
        foreach (var p in packages)
        {
            if (p.Architecture != "all" && !archs.Contains(p.Architecture))
            {
                continue;
            }

            ref int[]? ids = ref CollectionsMarshal.GetValueRefOrAddDefault(byName, p.Name, out bool known);
            int existing = -1;
            if (known)
            {
                foreach (int j in ids!)
                {
                    if (list[j].Architecture == p.Architecture && list[j].Version == p.Version)
                    {
                        existing = j;
                        break;
                    }
                }
            }

            if (existing >= 0)
            {
                var old = list[existing];
                list[existing] = old with
                {
                    IsInstalled = old.IsInstalled || p.IsInstalled,
                    IsHeld = old.IsHeld || p.IsHeld,
                    IsAutomatic = old.IsAutomatic || p.IsAutomatic,
                    Pin = Math.Max(old.Pin, p.IsDownloadable ? p.Pin : old.Pin),
                    Filename = old.Filename ?? p.Filename,
                    Sha256 = old.Filename is null ? p.Sha256 : old.Sha256,
                    Sha512 = old.Filename is null ? p.Sha512 : old.Sha512,
                    Sha1 = old.Filename is null ? p.Sha1 : old.Sha1,
                    Md5Sum = old.Filename is null ? p.Md5Sum : old.Md5Sum,
                    Size = old.Filename is null ? p.Size : old.Size,
                    Origin = old.Filename is null ? p.Origin ?? old.Origin : old.Origin,
                };
                continue;
            }

            ids = known ? [.. ids!, list.Count] : [list.Count];
            list.Add(p);
        }

        var array = new UniversePackage[list.Count];
        for (int i = 0; i < array.Length; i++)
        {
            var p = list[i];
            if (p.Id != i && ownsRecords)
            {
                p.AssignId(i);
            }

            array[i] = p.Id == i ? p : p with { Id = i };
        }

        return new PackageUniverse(array, byName, nativeArchitecture, archs);
    }

    /// <summary>All versions (all architectures) of a real package name.</summary>
    public IReadOnlyList<UniversePackage> FindByName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out var ids) ? ids.Select(i => _packages[i]).ToArray() : [];
    }

    /// <summary>The candidate version of <paramref name="name"/> for <paramref name="architecture"/> (native by default).</summary>
    public UniversePackage? FindCandidate(string name, string? architecture = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        string arch = architecture ?? NativeArchitecture;
        if (!_byName.TryGetValue(name, out var ids))
        {
            return null;
        }

        UniversePackage? fallback = null;
        foreach (int id in ids)
        {
            if (!_isCandidate[id])
            {
                continue;
            }

            var p = _packages[id];
            if (p.Architecture == arch)
            {
                return p;
            }

            if (p.Architecture == "all" && arch == NativeArchitecture)
            {
                fallback = p;
            }
        }

        if (fallback is null && architecture is null)
        {
            fallback = ids.Where(i => _isCandidate[i]).Select(i => _packages[i]).FirstOrDefault();
        }

        return fallback;
    }

    /// <summary>True when this version is APT's candidate for its name and architecture.</summary>
    public bool IsCandidate(UniversePackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        return _isCandidate[package.Id];
    }

    /// <summary>Names of the real packages that provide <paramref name="virtualName"/>.</summary>
    public IReadOnlyList<UniversePackage> FindProviders(string virtualName)
    {
        ArgumentNullException.ThrowIfNull(virtualName);
        return _providers.TryGetValue(virtualName, out var list) ? list.Select(p => _packages[p.Id]).ToArray() : [];
    }

    internal bool IsCandidateId(int id) => _isCandidate[id];

    internal int SlotOf(int id) => _slot[id];

    internal string EffectiveArchitecture(string architecture) => architecture == "all" ? NativeArchitecture : architecture;

    internal int[] IdsOfName(string name) => _byName.TryGetValue(name, out var ids) ? ids : [];

    /// <summary>The compiled relationships of a version (computed once, on first use).</summary>
    internal CompiledPackage Compiled(int id)
    {
        var c = Volatile.Read(ref _compiled[id]);
        if (c is null)
        {
            c = Compile(_packages[id]);
            Volatile.Write(ref _compiled[id], c);
        }

        return c;
    }

    /// <summary>Matching versions of one alternative, in preference order (real package first, then providers).</summary>
    internal List<int> Match(in DependencyAtom atom, UniversePackage depender, bool negative)
    {
        var result = new List<int>();
        if (_byName.TryGetValue(atom.Name, out var ids))
        {
            foreach (int id in ids)
            {
                var p = _packages[id];
                if (negative && p.Name == depender.Name)
                {
                    continue;
                }

                if (ArchitectureMatches(atom, depender, p, negative) && atom.VersionSatisfied(p.Version))
                {
                    result.Add(id);
                }
            }

            result.Sort(CompareSameName);
        }

        if (_providers.TryGetValue(atom.Name, out var provs))
        {
            int realCount = result.Count;
            foreach (var (id, version) in provs)
            {
                var p = _packages[id];
                if (negative && p.Name == depender.Name)
                {
                    continue;
                }

                if (atom.Operator != VersionOperator.None && (version is null || !atom.VersionSatisfied(version)))
                {
                    continue;
                }

                if (ArchitectureMatches(atom, depender, p, negative) && !result.Contains(id))
                {
                    result.Add(id);
                }
            }

            if (result.Count - realCount > 1)
            {
                result.Sort(realCount, result.Count - realCount, Comparer<int>.Create(CompareProviders));
            }
        }

        return result;
    }

    private bool ArchitectureMatches(in DependencyAtom atom, UniversePackage depender, UniversePackage candidate, bool negative)
    {
        string candidateArch = EffectiveArchitecture(candidate.Architecture);
        switch (atom.Qualifier)
        {
            case ArchitectureQualifier.Any:
                return negative || candidate.MultiArch is MultiArchKind.Allowed or MultiArchKind.Foreign;
            case ArchitectureQualifier.Native:
                return candidateArch == NativeArchitecture;
            case ArchitectureQualifier.Specific:
                return candidateArch == EffectiveArchitecture(atom.Architecture!);
            default:
                return negative || candidate.MultiArch == MultiArchKind.Foreign || candidateArch == EffectiveArchitecture(depender.Architecture);
        }
    }

    /// <summary>Versions of one name: candidate first, then by pin, then by version, newest first; native before foreign.</summary>
    private int CompareSameName(int a, int b)
    {
        var pa = _packages[a];
        var pb = _packages[b];
        int c = _isCandidate[b].CompareTo(_isCandidate[a]);
        if (c != 0)
        {
            return c;
        }

        c = (EffectiveArchitecture(pb.Architecture) == NativeArchitecture).CompareTo(EffectiveArchitecture(pa.Architecture) == NativeArchitecture);
        if (c != 0)
        {
            return c;
        }

        c = pb.Pin.CompareTo(pa.Pin);
        return c != 0 ? c : DebianVersion.Compare(pb.Version, pa.Version);
    }

    /// <summary>
    /// Providers of a virtual name: candidates first, then Essential, then Protected, then native
    /// architecture, then higher Priority, then the name APT's cache numbers last (<see cref="MentionRank"/>), then
    /// newer version (APT's CompareProviders).
    /// </summary>
    private int CompareProviders(int a, int b)
    {
        var pa = _packages[a];
        var pb = _packages[b];
        int c = _isCandidate[b].CompareTo(_isCandidate[a]);
        if (c == 0)
        {
            c = pb.IsInstalled.CompareTo(pa.IsInstalled);
        }

        if (c == 0)
        {
            c = pb.Essential.CompareTo(pa.Essential);
        }

        if (c == 0)
        {
            c = pb.Protected.CompareTo(pa.Protected);
        }

        if (c == 0)
        {
            c = (EffectiveArchitecture(pb.Architecture) == NativeArchitecture).CompareTo(EffectiveArchitecture(pa.Architecture) == NativeArchitecture);
        }

        if (c == 0)
        {
            c = pa.Priority.CompareTo(pb.Priority);
        }

        if (c == 0)
        {
            c = MentionRankOf(b).CompareTo(MentionRankOf(a));
        }

        if (c == 0)
        {
            c = string.CompareOrdinal(pa.Name, pb.Name);
        }

        return c != 0 ? c : DebianVersion.Compare(pb.Version, pa.Version);
    }

    /// <summary><see cref="MentionRank"/> of a version's name (plus one), remembered per version.</summary>
    private long MentionRankOf(int id)
    {
        long known = _mentionRankOfId[id];
        if (known == 0)
        {
            known = MentionRank(_packages[id].Name) + 1L;
            _mentionRankOfId[id] = known;
        }

        return known;
    }

    /// <summary>Where <paramref name="name"/> stands in APT's cache numbering (<see cref="PackageMentionOrder"/>); computed on first use.</summary>
    /// <remarks>
    /// Only providers of one name are ever ranked against each other (<see cref="CompareProviders"/>), so the order
    /// only holds <see cref="RankedProviderNames"/>: their relative order is the one among all names, and looking every
    /// mention up in that small set is much cheaper than numbering every name. Other names get <see cref="int.MaxValue"/>.
    /// </remarks>
    internal int MentionRank(string name)
    {
        var order = Volatile.Read(ref _mentionOrder);
        if (order is null)
        {
            order = PackageMentionOrder.Build(_packages, RankedProviderNames());
            Volatile.Write(ref _mentionOrder, order);
        }

        return order.TryGetValue(name, out int rank) ? rank : int.MaxValue;
    }

    /// <summary>
    /// The names <see cref="CompareProviders"/> can meet with a different name: those of the providers of a name that
    /// two or more package names provide (a quarter of all providers on Debian). Providers that share their name
    /// always tie on the rank, whatever it is.
    /// </summary>
    internal HashSet<string> RankedProviderNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var providers in _providers.Values)
        {
            string first = _packages[providers[0].Id].Name;
            bool several = false;
            foreach (var (id, _) in providers)
            {
                if (_packages[id].Name != first)
                {
                    several = true;
                    break;
                }
            }

            if (several)
            {
                foreach (var (id, _) in providers)
                {
                    names.Add(_packages[id].Name);
                }
            }
        }

        return names;
    }

    private static bool IsBetterCandidate(UniversePackage a, UniversePackage b)
    {
        // A version nobody can download only wins when it is the sole one (it then keeps the installed state).
        if (a.IsDownloadable != b.IsDownloadable)
        {
            return a.IsDownloadable;
        }

        if (a.Pin != b.Pin)
        {
            return a.Pin > b.Pin;
        }

        return DebianVersion.Compare(a.Version, b.Version) > 0;
    }

    private CompiledPackage Compile(UniversePackage p)
    {
        var hard = new List<DependencyGroup>();
        AddGroups(hard, p, p.Depends, "Depends", DependencyKind.Depends);
        AddGroups(hard, p, p.PreDepends, "Pre-Depends", DependencyKind.PreDepends);
        var soft = new List<DependencyGroup>();
        AddGroups(soft, p, p.Recommends, "Recommends", DependencyKind.Recommends);

        return new CompiledPackage([.. hard], [.. soft], ConflictIds(p.Id));
    }

    /// <summary>Ids hit by the Conflicts and Breaks of a version (computed once, without compiling its dependencies).</summary>
    internal int[] ConflictIds(int id)
    {
        var known = Volatile.Read(ref _conflicts[id]);
        if (known is not null)
        {
            return known;
        }

        var p = _packages[id];
        int[] result = [];
        if (p.Conflicts is not null || p.Breaks is not null)
        {
            var conflicts = new List<int>();
            AddConflicts(conflicts, p, p.Conflicts, "Conflicts");
            AddConflicts(conflicts, p, p.Breaks, "Breaks");
            result = [.. conflicts.Distinct()];
        }

        Volatile.Write(ref _conflicts[id], result);
        return result;
    }

    private void AddGroups(List<DependencyGroup> target, UniversePackage p, string? text, string field, DependencyKind kind)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        foreach (var group in RelationCompiler.Parse(text, field, p))
        {
            var ids = new List<int>();
            foreach (var atom in group)
            {
                foreach (int id in Match(atom, p, negative: false))
                {
                    if (!ids.Contains(id))
                    {
                        ids.Add(id);
                    }
                }
            }

            target.Add(new DependencyGroup(kind, group, [.. ids]));
        }
    }

    private void AddConflicts(List<int> target, UniversePackage p, string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        foreach (var group in RelationCompiler.Parse(text, field, p))
        {
            foreach (var atom in group)
            {
                target.AddRange(Match(atom, p, negative: true));
            }
        }
    }
}
