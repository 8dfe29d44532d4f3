using System.Net.Sockets;
using System.Text;

namespace RagApp.Tests.EndToEnd;

/// <summary>
/// Speaks raw RESP to a server, so that tests see exactly what it answers to an unauthenticated
/// client rather than what a client library makes of it.
/// </summary>
public static class RedisProtocol
{
    public static async Task<IReadOnlyList<string>> SendAsync(Uri endpoint, IReadOnlyList<string[]> commands, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint.Host, endpoint.Port, cancellationToken);
        var stream = client.GetStream();
        var reader = new StreamReader(stream, Encoding.UTF8);
        var replies = new List<string>();
        foreach (var command in commands)
        {
            var request = new StringBuilder().Append('*').Append(command.Length).Append("\r\n");
            foreach (var part in command)
            {
                request.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
            }

            await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), cancellationToken);
            replies.Add(await reader.ReadLineAsync(cancellationToken) ?? "");
        }

        return replies;
    }
}
