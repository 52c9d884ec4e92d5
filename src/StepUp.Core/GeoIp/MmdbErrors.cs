using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace StepUp.Core.GeoIp;

/// <summary>
/// The format errors, built and thrown out of line so the hot reading paths carry no message
/// formatting (it would cost every call, not just the failing one).
/// </summary>
internal static class MmdbErrors
{
    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Fail(string message) => throw new GeoIpFormatException(message);

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void TooManyValues() => Fail($"record has more than {MmdbBudget.MaxValues} values");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void TooMuchPayload() => Fail($"record has more than {MmdbBudget.MaxPayloadBytes} bytes of strings and bytes");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void TooDeep() => Fail($"data nested deeper than {MmdbData.MaxDepth} levels");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void OutsideSection(int pos, int length) => Fail($"field at offset {pos} starts outside the section ({length} bytes)");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void InvalidExtendedType(int type, int pos) => Fail($"invalid extended type {type} at offset {pos}");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void CutOff(string what, int pos) => Fail($"{what} at offset {pos} is cut off by the end of the section");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void PointerPastEnd(int pos, long target, int length) =>
        Fail($"pointer at offset {pos} targets {target}, past the end of the section ({length} bytes)");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void PointerToPointer(int pos, int target) => Fail($"pointer at offset {pos} targets another pointer at offset {target}");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void PayloadPastEnd(MmdbField field, int length) =>
        Fail($"{MmdbData.Name(field.Type)} of {field.Size} bytes at offset {field.Payload} runs past the end of the section ({length} bytes)");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void TooManyEntries(MmdbField field, string limit) =>
        Fail($"{MmdbData.Name(field.Type)} at offset {field.Payload} claims {field.Size} entries, more than {limit}");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void InvalidSize(MmdbField field) => Fail($"{MmdbData.Name(field.Type)} at offset {field.Payload} has invalid size {field.Size}");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void KeyNotString(MmdbField field) => Fail($"map key at offset {field.Payload} is a {MmdbData.Name(field.Type)}, not a string");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void NotAValue(MmdbType type, int pos) => Fail($"{MmdbData.Name(type)} at offset {pos} where a value was expected");

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void InvalidUtf8(int pos) => Fail($"string at offset {pos} is not valid UTF-8");
}
