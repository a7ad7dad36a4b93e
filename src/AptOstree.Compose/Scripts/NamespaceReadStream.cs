using System.Diagnostics;

namespace AptOstree.Compose;

/// <summary>
/// A file's content read by <c>cat</c> inside the sandbox's user namespace: the unprivileged caller cannot open a
/// file that a command gave to another sandbox user with a private mode, but the namespace's root can.
/// </summary>
internal sealed class NamespaceReadStream : Stream
{
    private readonly NamespaceSession _session;
    private readonly Process _process;
    private readonly Task<string> _stderr;
    private readonly string _path;
    private bool _ended;

    private NamespaceReadStream(NamespaceSession session, Process process, string path)
    {
        _session = session;
        _process = process;
        _path = path;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public static NamespaceReadStream Open(SandboxIdentity identity, SandboxHostTools tools, string path)
    {
        var session = NamespaceSession.Start(identity, tools, mount: false)
            ?? throw new InvalidOperationException("Reading through the user namespace is only for unprivileged sandboxes.");
        try
        {
            var argv = session.EnterPrefix();
            argv.AddRange([tools.Cat, "--", path]);
            return new NamespaceReadStream(session, HostProcess.Start(argv, "/"), path);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read = _process.StandardOutput.BaseStream.Read(buffer);
        if (read == 0 && buffer.Length > 0)
        {
            End();
        }

        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await _process.StandardOutput.BaseStream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (read == 0 && buffer.Length > 0)
        {
            End();
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            if (!_process.HasExited)
            {
                HostProcess.KillTree(_process);
                _process.WaitForExit();
            }

            _process.Dispose();
            _session.Dispose();
        }

        base.Dispose(disposing);
    }

    // A read error must not pass for the end of the file: check how cat ended.
    private void End()
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        _process.WaitForExit();
        if (_process.ExitCode != 0)
        {
            throw new ScriptSandboxException(
                ComposeErrorCodes.SandboxCaptureFailed,
                $"Reading {_path} in the sandbox's user namespace failed: cat exited {_process.ExitCode}: {_stderr.Result.Trim()}");
        }
    }
}
