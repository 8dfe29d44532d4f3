namespace RagApp.Rag.Sessions;

/// <summary>
/// The session reads and writes, each one atomic script (Redis, and Garnet with LuaTransactionMode: KEYS declares the
/// one key touched) so that the expiry is always restarted together with the read or write, in one round trip.
/// </summary>
internal static class SessionScripts
{
    /// <summary>KEYS[1] the session; ARGV[1] the expiry in ms. Returns the turns, oldest first.</summary>
    public const string Load = """
        local turns = redis.call('LRANGE', KEYS[1], 0, -1)
        if #turns > 0 then
          redis.call('PEXPIRE', KEYS[1], ARGV[1])
        end
        return turns
        """;

    /// <summary>KEYS[1] the session; ARGV[1] the turn's JSON, ARGV[2] the cap, ARGV[3] the expiry in ms. Returns the turns kept.</summary>
    public const string Append = """
        redis.call('RPUSH', KEYS[1], ARGV[1])
        redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return redis.call('LLEN', KEYS[1])
        """;
}
