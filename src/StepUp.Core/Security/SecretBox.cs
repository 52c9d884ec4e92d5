using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace StepUp.Core.Security;

/// <summary>
/// Encrypts small secrets at rest (signing keys, TOTP seeds) under the key-encryption key of
/// <c>StepUp:Secrets:Key</c>: AES-256-GCM with a random 96-bit nonce. A sealed box is
/// <c>version (1) ‖ key id (4) ‖ nonce (12) ‖ ciphertext ‖ tag (16)</c>; the version and key id are
/// authenticated too, and the caller's associated data binds a box to where it is stored.
/// </summary>
public sealed class SecretBox : IDisposable
{
    /// <summary>Length of the key-encryption key in bytes.</summary>
    public const int KeySize = 32;

    /// <summary>The format version this class writes.</summary>
    public const byte Version = 1;

    private const int KeyIdSize = 4;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int HeaderSize = 1 + KeyIdSize;
    private const int Overhead = HeaderSize + NonceSize + TagSize;

    private readonly byte[] _key;
    private readonly byte[] _keyId;
    private int _disposed;

    /// <summary>A box sealing and opening with <paramref name="key"/> (copied; zeroed on dispose).</summary>
    /// <exception cref="ArgumentException">The key is not 32 bytes.</exception>
    public SecretBox(ReadOnlySpan<byte> key)
    {
        if (key.Length != KeySize)
        {
            throw new ArgumentException($"A secrets key is {KeySize} bytes.", nameof(key));
        }

        _key = key.ToArray();
        _keyId = ComputeKeyId(_key);
    }

    /// <summary>Public fingerprint of the key (8 hex digits) written into every box, to tell "another key" from "corrupted".</summary>
    public string KeyId => Convert.ToHexStringLower(_keyId);

    /// <summary>
    /// A 32-byte key for another purpose (e.g. the HMAC of recovery codes), derived from the
    /// secrets key with HKDF-SHA256 so it never has to be stored.
    /// </summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, KeySize, salt: [], info: System.Text.Encoding.UTF8.GetBytes("stepup/derived/" + purpose));

    /// <summary>A new random 32-byte key.</summary>
    public static byte[] GenerateKey() => RandomNumberGenerator.GetBytes(KeySize);

    /// <summary>Reads a key written as base64 (standard or URL-safe alphabet, padding optional); false unless it is exactly 32 bytes.</summary>
    public static bool TryParseKey(string? text, [NotNullWhen(true)] out byte[]? key)
    {
        key = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var normalized = text.Trim().Replace('-', '+').Replace('_', '/');
        normalized = normalized.PadRight(normalized.Length + ((4 - (normalized.Length % 4)) % 4), '=');
        var buffer = new byte[normalized.Length];
        if (!Convert.TryFromBase64String(normalized, buffer, out var written) || written != KeySize)
        {
            CryptographicOperations.ZeroMemory(buffer);
            return false;
        }

        key = buffer[..KeySize];
        CryptographicOperations.ZeroMemory(buffer);
        return true;
    }

    /// <summary>Encrypts <paramref name="plaintext"/>; <paramref name="associatedData"/> must be given again to open it.</summary>
    public byte[] Seal(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var box = new byte[Overhead + plaintext.Length];
        box[0] = Version;
        _keyId.CopyTo(box.AsSpan(1));
        var nonce = box.AsSpan(HeaderSize, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        var ciphertext = box.AsSpan(HeaderSize + NonceSize, plaintext.Length);
        var tag = box.AsSpan(HeaderSize + NonceSize + plaintext.Length, TagSize);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, Aad(box.AsSpan(0, HeaderSize), associatedData));
        return box;
    }

    /// <summary>Encrypts UTF-8 text; the associated data is a label such as <c>stepup/signing-key/audit-…</c>.</summary>
    public byte[] Seal(ReadOnlySpan<byte> plaintext, string associatedData) =>
        Seal(plaintext, Encoding.UTF8.GetBytes(associatedData ?? throw new ArgumentNullException(nameof(associatedData))));

    /// <summary>Decrypts a box made by <see cref="Seal(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/>; false when it was sealed with another key, other associated data, or altered.</summary>
    public bool TryOpen(ReadOnlySpan<byte> box, ReadOnlySpan<byte> associatedData, [NotNullWhen(true)] out byte[]? plaintext)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        plaintext = null;
        if (box.Length < Overhead || box[0] != Version || !box.Slice(1, KeyIdSize).SequenceEqual(_keyId))
        {
            return false;
        }

        var length = box.Length - Overhead;
        var output = new byte[length];
        try
        {
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(box.Slice(HeaderSize, NonceSize), box.Slice(HeaderSize + NonceSize, length), box.Slice(HeaderSize + NonceSize + length, TagSize),
                output, Aad(box[..HeaderSize], associatedData));
        }
        catch (AuthenticationTagMismatchException)
        {
            // An altered box or other associated data: a result, not an error, for the caller to name.
            CryptographicOperations.ZeroMemory(output);
            return false;
        }

        plaintext = output;
        return true;
    }

    /// <inheritdoc cref="TryOpen(ReadOnlySpan{byte}, ReadOnlySpan{byte}, out byte[])"/>
    public bool TryOpen(ReadOnlySpan<byte> box, string associatedData, [NotNullWhen(true)] out byte[]? plaintext) =>
        TryOpen(box, Encoding.UTF8.GetBytes(associatedData ?? throw new ArgumentNullException(nameof(associatedData))), out plaintext);

    /// <summary>True when <paramref name="box"/> names this key in its header (it may still fail to open if altered).</summary>
    public bool IsSealedWithThisKey(ReadOnlySpan<byte> box) =>
        box.Length >= HeaderSize && box[0] == Version && box.Slice(1, KeyIdSize).SequenceEqual(_keyId);

    /// <summary>Zeroes the key.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            CryptographicOperations.ZeroMemory(_key);
        }
    }

    // The header is authenticated with the caller's data: length-prefixing keeps the two unambiguous.
    private static byte[] Aad(ReadOnlySpan<byte> header, ReadOnlySpan<byte> associatedData)
    {
        var aad = new byte[header.Length + 4 + associatedData.Length];
        header.CopyTo(aad);
        BinaryPrimitives.WriteInt32BigEndian(aad.AsSpan(header.Length), associatedData.Length);
        associatedData.CopyTo(aad.AsSpan(header.Length + 4));
        return aad;
    }

    private static byte[] ComputeKeyId(byte[] key)
    {
        // A one-way fingerprint of the key, domain-separated so it is useless as a key or MAC.
        var mac = HMACSHA256.HashData(key, "stepup secrets key id v1"u8);
        return mac[..KeyIdSize];
    }
}
