namespace AptOstree.Testing;

/// <summary>A clock stopped at one instant, for code that reads the time through <see cref="TimeProvider"/>.</summary>
internal sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
