namespace AptOstree.Compose;

/// <summary>How long one maintainer script (or trigger) ran during configuration.</summary>
/// <param name="Script"><c>PACKAGE.preinst</c>, <c>PACKAGE.postinst</c> or <c>PACKAGE.trigger</c>.</param>
/// <param name="Duration">Wall-clock time.</param>
public sealed record ScriptTiming(string Script, TimeSpan Duration);
