namespace AptOstree.Deb.Solver;

/// <summary>
/// Orders packages for unpacking and configuration: every package after the packages it Pre-Depends on and
/// Depends on. Dependency cycles (strongly connected components) are kept together and ordered inside by
/// Pre-Depends first, then by name — as dpkg does, a cycle is configured as a unit once all members are
/// unpacked, while Pre-Depends edges are never broken if the cycle allows it.
/// </summary>
public static class InstallOrderPlanner
{
    /// <summary>Returns <paramref name="packages"/> in install order.</summary>
    public static IReadOnlyList<UniversePackage> Plan(PackageUniverse universe, IReadOnlyList<UniversePackage> packages)
    {
        ArgumentNullException.ThrowIfNull(universe);
        ArgumentNullException.ThrowIfNull(packages);
        var index = new Dictionary<int, int>();
        var sorted = packages.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Architecture, StringComparer.Ordinal).ToList();
        for (int i = 0; i < sorted.Count; i++)
        {
            index[sorted[i].Id] = i;
        }

        // Edges: i -> j means i needs j first.
        var edges = new List<int>[sorted.Count];
        var pre = new List<int>[sorted.Count];
        for (int i = 0; i < sorted.Count; i++)
        {
            edges[i] = [];
            pre[i] = [];
            foreach (var group in universe.Compiled(sorted[i].Id).Hard)
            {
                foreach (int c in group.Candidates)
                {
                    if (index.TryGetValue(c, out int j) && j != i)
                    {
                        edges[i].Add(j);
                        if (group.Kind == DependencyKind.PreDepends)
                        {
                            pre[i].Add(j);
                        }

                        break;
                    }
                }
            }
        }

        // Tarjan's SCCs come out in reverse topological order of the condensation: dependencies first.
        var result = new List<UniversePackage>(sorted.Count);
        foreach (var component in StronglyConnected(edges))
        {
            if (component.Count == 1)
            {
                result.Add(sorted[component[0]]);
                continue;
            }

            var members = new HashSet<int>(component);
            var placed = new HashSet<int>();
            var remaining = component.Order().ToList();
            while (remaining.Count > 0)
            {
                int next = remaining.FirstOrDefault(m => pre[m].All(d => !members.Contains(d) || placed.Contains(d)), remaining[0]);
                remaining.Remove(next);
                placed.Add(next);
                result.Add(sorted[next]);
            }
        }

        return result;
    }

    private static List<List<int>> StronglyConnected(List<int>[] edges)
    {
        int n = edges.Length;
        var indexOf = new int[n];
        var low = new int[n];
        var onStack = new bool[n];
        Array.Fill(indexOf, -1);
        var stack = new Stack<int>();
        var result = new List<List<int>>();
        int counter = 0;
        var work = new Stack<(int Node, int Edge)>();
        for (int root = 0; root < n; root++)
        {
            if (indexOf[root] >= 0)
            {
                continue;
            }

            work.Push((root, 0));
            while (work.Count > 0)
            {
                var (v, e) = work.Pop();
                if (e == 0)
                {
                    indexOf[v] = low[v] = counter++;
                    stack.Push(v);
                    onStack[v] = true;
                }

                bool descended = false;
                for (int k = e; k < edges[v].Count; k++)
                {
                    int w = edges[v][k];
                    if (indexOf[w] < 0)
                    {
                        work.Push((v, k + 1));
                        work.Push((w, 0));
                        descended = true;
                        break;
                    }

                    if (onStack[w])
                    {
                        low[v] = Math.Min(low[v], indexOf[w]);
                    }
                }

                if (descended)
                {
                    continue;
                }

                if (low[v] == indexOf[v])
                {
                    var component = new List<int>();
                    int w;
                    do
                    {
                        w = stack.Pop();
                        onStack[w] = false;
                        component.Add(w);
                    }
                    while (w != v);
                    result.Add(component);
                }

                if (work.Count > 0)
                {
                    var (parent, _) = work.Peek();
                    low[parent] = Math.Min(low[parent], low[v]);
                }
            }
        }

        return result;
    }
}
