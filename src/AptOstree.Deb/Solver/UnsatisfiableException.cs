using AptOstree.Deb.Apt;

namespace AptOstree.Deb.Solver;

/// <summary>The request has no solution; <see cref="Explanation"/> is the chain of dependencies leading to the conflict.</summary>
public class UnsatisfiableException : AptException
{
    /// <summary>Creates the exception.</summary>
    public UnsatisfiableException()
        : this("The request cannot be satisfied.")
    {
    }

    /// <summary>Creates the exception.</summary>
    public UnsatisfiableException(string message)
        : this(message, [])
    {
    }

    /// <summary>Creates the exception.</summary>
    public UnsatisfiableException(string message, Exception? innerException)
        : base(AptErrorCodes.Unsatisfiable, message, innerException)
    {
        Explanation = [];
    }

    /// <summary>Creates the exception with the explanation chain.</summary>
    public UnsatisfiableException(string message, IReadOnlyList<string> explanation)
        : base(AptErrorCodes.Unsatisfiable, explanation.Count == 0 ? message : message + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", explanation))
    {
        Explanation = explanation;
    }

    /// <summary>One line per step: who depends on what, and why the last step is impossible.</summary>
    public IReadOnlyList<string> Explanation { get; }
}
