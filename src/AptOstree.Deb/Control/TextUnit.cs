using System.Runtime.CompilerServices;

namespace AptOstree.Deb;

/// <summary>
/// The text units the SDK's grammars (<see cref="Deb822Grammar"/>, <see cref="RelationReader"/>) read: UTF-8 bytes or
/// UTF-16 characters, as <see cref="int"/> codes. Written with <c>typeof</c> tests and <see cref="Unsafe.As{TFrom, TTo}(ref TFrom)"/>
/// rather than generic math (<c>IBinaryInteger&lt;T&gt;</c>): the tests fold away in each instantiation whatever the
/// compilation mode, whereas ReadyToRun code may not inline the runtime library's generic-math operators (another
/// version bubble) and made one call per comparison, and tier-0 code makes those calls too.
/// </summary>
internal static class TextUnit
{
    /// <summary>The code of <paramref name="unit"/>, a <see cref="byte"/> or a <see cref="char"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Code<T>(T unit)
        where T : unmanaged =>
        typeof(T) == typeof(byte) ? Unsafe.As<T, byte>(ref unit) : Unsafe.As<T, char>(ref unit);

    /// <summary><paramref name="c"/> (ASCII) as a unit of type <typeparamref name="T"/>, a <see cref="byte"/> or a <see cref="char"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T From<T>(char c)
        where T : unmanaged
    {
        if (typeof(T) == typeof(byte))
        {
            byte b = (byte)c;
            return Unsafe.As<byte, T>(ref b);
        }

        return Unsafe.As<char, T>(ref c);
    }
}
