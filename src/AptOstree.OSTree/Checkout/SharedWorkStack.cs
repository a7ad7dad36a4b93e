namespace AptOstree.OSTree;

/// <summary>
/// A stack of work items shared by a few threads, where processing an item may push more. It is drained when it is
/// empty and no thread is busy with an item. The first exception a worker throws stops every worker and is kept in
/// <see cref="Failure"/>.
/// </summary>
internal sealed class SharedWorkStack<T>
{
    private readonly object _lock = new();
    private readonly Stack<T> _items = new();
    private int _busy;
    private bool _stopped;

    /// <summary>The first exception a worker threw, if any.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>Pushes <paramref name="items"/> so that they are popped in the order given.</summary>
    public void Push(ReadOnlySpan<T> items)
    {
        lock (_lock)
        {
            for (int i = items.Length - 1; i >= 0; i--)
            {
                _items.Push(items[i]);
            }

            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Makes every worker return once it is done with its current item.</summary>
    public void Stop()
    {
        lock (_lock)
        {
            _stopped = true;
            Monitor.PulseAll(_lock);
        }
    }

    /// <summary>Starts <paramref name="count"/> background threads running <see cref="WorkLoop"/>.</summary>
    public Thread[] StartThreads(int count, string name, Action<T> process)
    {
        var threads = new Thread[Math.Max(0, count)];
        for (int i = 0; i < threads.Length; i++)
        {
            threads[i] = new Thread(() => WorkLoop(process)) { IsBackground = true, Name = name + "-" + (i + 1) };
            threads[i].Start();
        }

        return threads;
    }

    /// <summary>Processes items on the calling thread until the stack is drained, stopped or failed.</summary>
    public void WorkLoop(Action<T> process)
    {
        while (true)
        {
            T item;
            lock (_lock)
            {
                while (_items.Count == 0 && _busy > 0 && !_stopped)
                {
                    Monitor.Wait(_lock);
                }

                if (_stopped || _items.Count == 0)
                {
                    Monitor.PulseAll(_lock);
                    return;
                }

                item = _items.Pop();
                _busy++;
            }

            try
            {
                process(item);
            }
            catch (Exception ex)
            {
                lock (_lock)
                {
                    Failure ??= ex;
                    _stopped = true;
                }
            }

            lock (_lock)
            {
                _busy--;
                if (_busy == 0 || _stopped)
                {
                    Monitor.PulseAll(_lock);
                }
            }
        }
    }
}
