namespace AptOstree.OSTree;

/// <summary>
/// Progress and cancellation of one import: bytes of file content stored so far against a total when one is known,
/// reported after every file and during large ones; the token is checked between files and while content streams.
/// </summary>
internal sealed class ImportProgress
{
    private const long Step = 1 << 20;
    private readonly IProgress<OperationProgress>? _progress;
    private readonly CancellationToken _cancellationToken;
    private long _bytes;
    private long _reported = -1;
    private long _files;

    public ImportProgress(IProgress<OperationProgress>? progress, long? total, CancellationToken cancellationToken)
    {
        _progress = progress;
        Total = total;
        _cancellationToken = cancellationToken;
    }

    public long? Total { get; set; }

    public long Bytes => _bytes;

    public long Files => _files;

    public bool Wanted => _progress is not null;

    public CancellationToken CancellationToken => _cancellationToken;

    public void ThrowIfCancellationRequested() => _cancellationToken.ThrowIfCancellationRequested();

    /// <summary>The content of <paramref name="path"/> as read by the transaction: counted, and cancellable per read.</summary>
    public Stream Track(Stream content, string path) => new TrackedStream(content, this, path);

    /// <summary>One file (or symlink) stored.</summary>
    public void FileDone(string path)
    {
        _files++;
        _cancellationToken.ThrowIfCancellationRequested();
        if (_progress is not null && (_files & 63) == 0)
        {
            Report(path);
        }
    }

    /// <summary>The final report: everything done.</summary>
    public void Finish()
    {
        // Done is done: a tar's total counts its headers too, and a directory may have changed while it was read.
        var total = Total is null ? _bytes : Math.Max(Total.Value, _bytes);
        _progress?.Report(new OperationProgress("commit", total, total, ProgressUnit.Bytes));
    }

    private void Report(string path)
    {
        _reported = _bytes;
        _progress?.Report(new OperationProgress("commit", _bytes, Total, ProgressUnit.Bytes, path));
    }

    private void Add(int count, string path)
    {
        _bytes += count;
        _cancellationToken.ThrowIfCancellationRequested();
        if (_progress is not null && _bytes - _reported >= Step)
        {
            Report(path);
        }
    }

    private sealed class TrackedStream(Stream inner, ImportProgress owner, string path) : ForwardOnlyReadStream
    {
        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            owner.Add(n, path);
            return n;
        }
    }
}
