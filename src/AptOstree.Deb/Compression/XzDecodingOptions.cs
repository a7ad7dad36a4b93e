using System.Globalization;

namespace AptOstree.Deb;

/// <summary>How xz data is decoded: threads and memory of the native multi-threaded and parallel block decoders.</summary>
public sealed record XzDecodingOptions
{
    private readonly int _threads = Environment.ProcessorCount;
    private readonly long _threadingMemoryLimit = 48L * 1024 * 1024;
    private readonly long _parallelReadAheadLimit = 24L * 1024 * 1024;

    /// <summary>
    /// The defaults, read once from the environment: <c>APTOSTREE_XZ_THREADS</c> (else the processor count) and
    /// <c>APTOSTREE_XZ_READAHEAD_MIB</c> (else 24).
    /// </summary>
    public static XzDecodingOptions Default { get; } = FromEnvironment();

    /// <summary>Threads for the native decoders. 1 selects the single-threaded decoder, which needs about 10 MiB.</summary>
    public int Threads
    {
        get => _threads;
        init => _threads = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(Threads), value, "At least one thread.");
    }

    /// <summary>
    /// Memory the multi-threaded xz decoder may use before it falls back to one thread (default 48 MiB, which
    /// keeps extraction of a package with 24 MiB xz blocks within a small fixed budget).
    /// </summary>
    public long ThreadingMemoryLimit
    {
        get => _threadingMemoryLimit;
        init => _threadingMemoryLimit = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(ThreadingMemoryLimit), value, "Must be positive.");
    }

    /// <summary>
    /// Decoded bytes the parallel xz block decoder (used for multi-block xz data members of seekable packages) may
    /// hold for blocks ahead of the one being read (default 24 MiB: one block as xz -6, and so dpkg-deb, cuts them,
    /// which lets two workers overlap fully). Smaller saves memory and costs overlap on large blocks; the total is
    /// about this plus one dictionary (typically 8 MiB) per thread.
    /// </summary>
    public long ParallelReadAheadLimit
    {
        get => _parallelReadAheadLimit;
        init => _parallelReadAheadLimit = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(ParallelReadAheadLimit), value, "Must be positive.");
    }

    /// <summary>The defaults with <c>APTOSTREE_XZ_THREADS</c> and <c>APTOSTREE_XZ_READAHEAD_MIB</c> applied when set to a positive number.</summary>
    public static XzDecodingOptions FromEnvironment()
    {
        var options = new XzDecodingOptions();
        if (PositiveNumber("APTOSTREE_XZ_THREADS") is { } t && t <= int.MaxValue)
        {
            options = options with { Threads = (int)t };
        }

        if (PositiveNumber("APTOSTREE_XZ_READAHEAD_MIB") is { } mib && mib <= long.MaxValue / (1024 * 1024))
        {
            options = options with { ParallelReadAheadLimit = mib * 1024 * 1024 };
        }

        return options;
    }

    private static long? PositiveNumber(string variable) =>
        long.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : null;
}
