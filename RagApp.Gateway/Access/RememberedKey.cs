namespace RagApp.Gateway.Access;

/// <summary>
/// A key a connection presented and the fingerprint it matched (<see cref="ApiKeyRing.Identify(HttpContext, string)"/>).
/// A class, not a record: a record's generated ToString would print the key wherever the object were ever logged.
/// </summary>
internal sealed class RememberedKey(string presented, string fingerprint)
{
    public string Presented { get; } = presented;

    public string Fingerprint { get; } = fingerprint;
}
