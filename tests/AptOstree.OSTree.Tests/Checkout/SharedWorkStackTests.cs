namespace AptOstree.OSTree.Tests.Checkout;

/// <summary>The work stack the parallel checkout and its dirtree prefetcher share between threads.</summary>
public sealed class SharedWorkStackTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void EveryItemPushedWhileWorkingIsProcessedOnce(int threads)
    {
        // A complete binary tree of depth 10 numbered heap-style: processing n pushes 2n and 2n+1.
        const int last = (1 << 11) - 1;
        var seen = new int[last + 1];
        var work = new SharedWorkStack<int>();
        work.Push([1]);
        void Process(int n)
        {
            Interlocked.Increment(ref seen[n]);
            if (2 * n + 1 <= last)
            {
                work.Push([2 * n, 2 * n + 1]);
            }
        }

        var others = work.StartThreads(threads - 1, "test", Process);
        work.WorkLoop(Process);
        foreach (var t in others)
        {
            t.Join();
        }

        Assert.Null(work.Failure);
        Assert.All(seen.AsSpan(1).ToArray(), count => Assert.Equal(1, count));
    }

    [Fact]
    public void ItemsArePoppedInTheOrderPushed()
    {
        var order = new List<string>();
        var work = new SharedWorkStack<string>();
        work.Push(["a", "b", "c"]);
        work.WorkLoop(order.Add);
        Assert.Equal(["a", "b", "c"], order);
    }

    [Fact]
    public void TheFirstFailureStopsEveryWorkerAndIsKept()
    {
        var work = new SharedWorkStack<int>();
        int processed = 0;
        work.Push([1, 2, 3, 4, 5]);
        var others = work.StartThreads(2, "test", Process);
        work.WorkLoop(Process);
        foreach (var t in others)
        {
            t.Join();
        }

        var ex = Assert.IsType<InvalidOperationException>(work.Failure);
        Assert.Equal("item 1", ex.Message);
        Assert.True(Volatile.Read(ref processed) < 5);

        void Process(int n)
        {
            Interlocked.Increment(ref processed);
            if (n == 1)
            {
                throw new InvalidOperationException("item 1");
            }

            // The others keep going until item 1 has failed; then nothing new is taken.
            SpinWait.SpinUntil(() => work.Failure is not null, TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public void StopMakesIdleWorkersReturn()
    {
        var work = new SharedWorkStack<int>();
        using var started = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        work.Push([1]);
        var threads = work.StartThreads(2, "test", _ =>
        {
            started.Set();
            release.Wait(TimeSpan.FromSeconds(10));
        });
        Assert.True(started.Wait(TimeSpan.FromSeconds(10)));
        work.Stop();
        release.Set();
        foreach (var t in threads)
        {
            Assert.True(t.Join(TimeSpan.FromSeconds(10)));
        }
    }
}
