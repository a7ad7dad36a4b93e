using System.Text;

namespace AptOstree.Compose;

/// <summary>Splits streamed output into lines for a callback (a line longer than 4 KiB is passed on in pieces).</summary>
internal sealed class OutputLines(Action<string> onLine)
{
    private const int MaxLine = 4096;
    private readonly List<byte> _pending = [];

    public void Append(ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            if (b == (byte)'\n')
            {
                Flush();
            }
            else
            {
                _pending.Add(b);
                if (_pending.Count >= MaxLine)
                {
                    Flush();
                }
            }
        }
    }

    /// <summary>Passes on an unterminated last line.</summary>
    public void Complete()
    {
        if (_pending.Count > 0)
        {
            Flush();
        }
    }

    private void Flush()
    {
        onLine(Encoding.UTF8.GetString([.. _pending]));
        _pending.Clear();
    }
}
