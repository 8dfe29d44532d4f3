using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;

namespace RagApp.Gateway.Access;

/// <summary>
/// The configured API keys, held only as SHA-256 digests. A presented key is hashed and compared with every digest in
/// constant time (<see cref="CryptographicOperations.FixedTimeEquals"/>, no early exit), so neither the comparison nor the
/// number of keys tried says how much of a guess was right. A key is named by its fingerprint (the first 12 hex digits
/// of its digest) wherever one must be told apart from another (rate-limit buckets, logs); the key itself goes nowhere.
/// </summary>
internal sealed class ApiKeyRing
{
    private readonly byte[][] _digests;
    private readonly string[] _fingerprints;

    public ApiKeyRing(IOptions<AccessOptions> options)
    {
        var keys = (options.Value.ApiKeys ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        _digests = [.. keys.Select(Digest)];
        _fingerprints = [.. _digests.Select(Fingerprint)];
    }

    /// <summary>No key is configured: every caller is let in.</summary>
    public bool IsOpen => _digests.Length == 0;

    public int Count => _digests.Length;

    /// <summary>
    /// <see cref="Identify(string)"/> for a request, remembering the last key a connection presented that matched: a
    /// client sends the same key with every request of a kept-alive connection, and the digest was the largest part of
    /// a cache hit's own work. A later request on the connection is compared with that key in constant time; a
    /// different key is checked from scratch. What is remembered is what this connection itself sent, and the keys
    /// are fixed for the process's life, so a remembered match cannot outlive its key or tell anything to anyone else.
    /// </summary>
    public string? Identify(HttpContext context, string presented)
    {
        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is not null && items.TryGetValue(typeof(ApiKeyRing), out var held) && held is RememberedKey remembered
            && CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(remembered.Presented.AsSpan()), MemoryMarshal.AsBytes(presented.AsSpan())))
        {
            return remembered.Fingerprint;
        }

        var fingerprint = Identify(presented);
        if (fingerprint is not null && items is not null)
        {
            items[typeof(ApiKeyRing)] = new RememberedKey(presented, fingerprint);
        }

        return fingerprint;
    }

    /// <summary>The fingerprint of the configured key <paramref name="presented"/> is, or null when it is none of them.</summary>
    public string? Identify(string presented)
    {
        var digest = Digest(presented);
        var match = -1;
        for (var i = 0; i < _digests.Length; i++)
        {
            // Every digest is compared, whatever matched before.
            if (CryptographicOperations.FixedTimeEquals(digest, _digests[i]))
            {
                match = i;
            }
        }

        return match < 0 ? null : _fingerprints[match];
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string Fingerprint(byte[] digest) => Convert.ToHexStringLower(digest)[..12];
}
