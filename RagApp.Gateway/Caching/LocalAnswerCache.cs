using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace RagApp.Gateway.Caching;

/// <summary>
/// The hottest cached answers in the gateway's own memory, in front of Redis, for at most
/// <see cref="QueryCacheOptions.LocalTimeToLive"/> and within <see cref="QueryCacheOptions.LocalMaxBytes"/>. Entries are
/// keyed on the text Redis's key is the digest of (<see cref="QueryCacheKey.Canonical"/>, which holds the index
/// generation token), so they are exactly as fresh: a write to the index changes the key of every question. What the short lifetime bounds is how long a flush
/// from another replica, or an eviction in Redis, takes to reach this one.
/// </summary>
internal sealed class LocalAnswerCache : IDisposable
{
    private readonly MemoryCache? _entries;
    private readonly TimeSpan _timeToLive;
    private readonly TimeProvider _timeProvider;

    public LocalAnswerCache(IOptions<QueryCacheOptions> options, TimeProvider timeProvider)
    {
        var settings = options.Value;
        _timeToLive = settings.LocalTimeToLive;
        _timeProvider = timeProvider;
        if (_timeToLive > TimeSpan.Zero && settings.LocalMaxBytes > 0)
        {
            _entries = new MemoryCache(new MemoryCacheOptions { SizeLimit = settings.LocalMaxBytes });
        }
    }

    public bool TryGet(string key, [NotNullWhen(true)] out object? value)
    {
        if (_entries is not null && _entries.TryGetValue(key, out var found) && found is Entry entry && entry.ExpiresAt > _timeProvider.GetUtcNow())
        {
            value = entry.Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>Keeps <paramref name="value"/> for the local lifetime, or what is left of the Redis entry's if shorter.</summary>
    public void Set(string key, object value, long size, TimeSpan? remaining)
    {
        var lifetime = remaining is { } left && left < _timeToLive ? left : _timeToLive;
        if (_entries is null || lifetime <= TimeSpan.Zero)
        {
            return;
        }

        _entries.Set(key, new Entry(value, _timeProvider.GetUtcNow() + lifetime), new MemoryCacheEntryOptions
        {
            Size = size,
            // Lets the cache drop it by itself; the expiry above is what decides, on the injected clock.
            AbsoluteExpirationRelativeToNow = lifetime,
        });
    }

    public void Clear() => _entries?.Clear();

    public void Dispose() => _entries?.Dispose();

    private sealed record Entry(object Value, DateTimeOffset ExpiresAt);
}
