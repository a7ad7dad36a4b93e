using System.Text;

namespace AptOstree.OSTree.Sysroot;

/// <summary>
/// An ordered kernel command line, with the edit operations of <c>ostree admin kargs</c> / <c>deploy --karg*</c>:
/// append, replace, delete. Immutable.
/// </summary>
public sealed class KernelArguments : IEquatable<KernelArguments>
{
    private readonly string[] _arguments;

    private KernelArguments(string[] arguments)
    {
        _arguments = arguments;
    }

    /// <summary>No arguments.</summary>
    public static KernelArguments Empty { get; } = new([]);

    /// <summary>The arguments in order.</summary>
    public IReadOnlyList<string> Arguments => _arguments;

    /// <summary>Splits a command line on spaces outside double quotes.</summary>
    public static KernelArguments Parse(string commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var result = new List<string>();
        var current = new StringBuilder();
        bool quoted = false;
        foreach (char c in commandLine)
        {
            if (c == '"')
            {
                quoted = !quoted;
                current.Append(c);
            }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (current.Length > 0)
                {
                    result.Add(current.ToString());
                    current.Clear();
                }
            }
            else
            {
                current.Append(c);
            }
        }

        if (current.Length > 0)
        {
            result.Add(current.ToString());
        }

        return new KernelArguments([.. result]);
    }

    /// <summary>From a list of arguments (each one <c>KEY</c> or <c>KEY=VALUE</c>).</summary>
    public static KernelArguments From(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return new KernelArguments(arguments.SelectMany(a => Parse(a)._arguments).ToArray());
    }

    /// <summary>The key of an argument (text before the first <c>=</c>).</summary>
    public static string KeyOf(string argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        int eq = argument.IndexOf('=', StringComparison.Ordinal);
        return eq < 0 ? argument : argument[..eq];
    }

    /// <summary>Every value of <paramref name="key"/> (null entries for a bare key).</summary>
    public IReadOnlyList<string?> GetValues(string key) =>
        _arguments.Where(a => KeyOf(a) == key).Select(a => a.Length == key.Length ? null : a[(key.Length + 1)..]).ToList();

    /// <summary>True when some argument has <paramref name="key"/>.</summary>
    public bool Contains(string key) => _arguments.Any(a => KeyOf(a) == key);

    /// <summary>Adds arguments at the end (duplicates allowed, as in <c>--append</c>).</summary>
    public KernelArguments Append(params string[] arguments) => new([.. _arguments, .. From(arguments)._arguments]);

    /// <summary>Adds an argument unless an identical one is present.</summary>
    public KernelArguments AppendIfMissing(string argument) =>
        _arguments.Contains(argument, StringComparer.Ordinal) ? this : Append(argument);

    /// <summary>
    /// <c>KEY=VALUE</c> replaces the single value of KEY; <c>KEY=OLD=NEW</c> replaces that one value. A key that is
    /// absent is an error, as is an ambiguous key with several values.
    /// </summary>
    /// <exception cref="AptOstreeException">The key is absent or ambiguous (<see cref="DeploymentErrorCodes.InvalidKernelArgument"/>).</exception>
    public KernelArguments Replace(string argument)
    {
        ArgumentException.ThrowIfNullOrEmpty(argument);
        string key = KeyOf(argument);
        string? rest = argument.Length == key.Length ? null : argument[(key.Length + 1)..];
        var indexes = Enumerable.Range(0, _arguments.Length).Where(i => KeyOf(_arguments[i]) == key).ToList();
        if (indexes.Count == 0)
        {
            throw Error($"No kernel argument with key '{key}' to replace.");
        }

        var copy = (string[])_arguments.Clone();
        int split = rest?.IndexOf('=', StringComparison.Ordinal) ?? -1;
        if (split >= 0)
        {
            string oldValue = rest![..split];
            string newValue = rest[(split + 1)..];
            int match = indexes.FindIndex(i => copy[i] == $"{key}={oldValue}");
            match = match < 0 ? -1 : indexes[match];
            if (match < 0)
            {
                throw Error($"No kernel argument '{key}={oldValue}' to replace.");
            }

            copy[match] = $"{key}={newValue}";
            return new KernelArguments(copy);
        }

        if (indexes.Count > 1)
        {
            throw Error($"Kernel argument key '{key}' has several values; use {key}=OLD=NEW.");
        }

        copy[indexes[0]] = argument;
        return new KernelArguments(copy);
    }

    /// <summary>
    /// Deletes <c>KEY=VALUE</c> exactly, or <c>KEY</c> when it has a single value. Absent or ambiguous is an error.
    /// </summary>
    /// <exception cref="AptOstreeException">Nothing matches, or the key is ambiguous.</exception>
    public KernelArguments Delete(string argument)
    {
        ArgumentException.ThrowIfNullOrEmpty(argument);
        string key = KeyOf(argument);
        int exact = Array.IndexOf(_arguments, argument);
        if (exact < 0)
        {
            var withKey = Enumerable.Range(0, _arguments.Length).Where(i => KeyOf(_arguments[i]) == key).ToList();
            if (argument.Contains('=', StringComparison.Ordinal) || withKey.Count == 0)
            {
                throw Error($"No kernel argument '{argument}' to delete.");
            }

            if (withKey.Count > 1)
            {
                throw Error($"Kernel argument key '{key}' has several values; delete {key}=VALUE.");
            }

            exact = withKey[0];
        }

        return new KernelArguments(_arguments.Where((_, i) => i != exact).ToArray());
    }

    /// <summary>Removes every argument with <paramref name="key"/> (no error when absent).</summary>
    public KernelArguments RemoveKey(string key) => new(_arguments.Where(a => KeyOf(a) != key).ToArray());

    /// <summary>The arguments joined by single spaces.</summary>
    public override string ToString() => string.Join(' ', _arguments);

    /// <inheritdoc />
    public bool Equals(KernelArguments? other) => other is not null && _arguments.AsSpan().SequenceEqual(other._arguments);

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as KernelArguments);

    /// <inheritdoc />
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

    private static AptOstreeException Error(string message) => new(DeploymentErrorCodes.InvalidKernelArgument, message);
}
