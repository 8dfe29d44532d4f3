namespace RagApp.Rag.Index.Generation;

/// <summary>
/// The publication, one atomic script (KEYS declares the one key touched, as Garnet's LuaTransactionMode needs): the
/// key only ever moves forward within one identity, so two writes whose publications cross leave the later generation
/// in place, and a new identity (a new index lifetime or answering configuration) always replaces the old one.
/// </summary>
internal static class IndexGenerationScripts
{
    /// <summary>
    /// KEYS[1] the token key; ARGV[1] the identity, ARGV[2] the generation, ARGV[3] the channel. Returns 1 when the token
    /// was written and announced, 0 when the key already held this identity at this generation or a later one.
    /// </summary>
    public const string Publish = """
        local current = redis.call('GET', KEYS[1])
        if current then
          local identity, generation = string.match(current, '^(.*) (%d+)$')
          if identity == ARGV[1] and tonumber(generation) >= tonumber(ARGV[2]) then
            return 0
          end
        end
        local token = ARGV[1] .. ' ' .. ARGV[2]
        redis.call('SET', KEYS[1], token)
        redis.call('PUBLISH', ARGV[3], token)
        return 1
        """;
}
