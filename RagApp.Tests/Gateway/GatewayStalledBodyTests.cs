using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace RagApp.Tests.Gateway;

/// <summary>
/// A request body that stops arriving answers 408 problem details once Kestrel's minimum data rate gives up on it
/// (its grace period shortened here), not a 500. Real Kestrel on a socket: only it enforces data rates.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayStalledBodyTests(GatewayFixture fixture)
{
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(1.5);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("application/json", "{\"text\": \"The start of a text that ")]
    [InlineData("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nThe start")]
    public async Task Upload_BodyStopsArriving_Answers408Problem(string contentType, string start)
    {
        await using var gateway = await GatewayHost.StartAsync(
            fixture.Garnet.ConnectionString,
            configureKestrel: kestrel => kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(bytesPerSecond: 240, gracePeriod: GracePeriod));

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(gateway.Address.Host, gateway.Address.Port, Cancellation);
        var stream = tcp.GetStream();
        var head =
            $"POST /api/v1/documents HTTP/1.1\r\nHost: {gateway.Address.Authority}\r\nContent-Type: {contentType}\r\n" +
            $"Content-Length: 100000\r\n\r\n{start}";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Cancellation);
        await stream.FlushAsync(Cancellation);

        // Nothing more is sent. The answer must come from the data-rate check, within a bound of a few grace periods.
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        bound.CancelAfter(TimeSpan.FromSeconds(15));
        var response = await ReadResponseAsync(stream, bound.Token);

        Assert.StartsWith("HTTP/1.1 408", response, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/problem+json", response, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"status\":408", response, StringComparison.Ordinal);
    }

    /// <summary>Reads until the server closes the connection or the last chunk of the body has arrived.</summary>
    private static async Task<string> ReadResponseAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken);
                if (read == 0)
                {
                    break;
                }

                received.Append(Encoding.UTF8.GetString(buffer, 0, read));
                var text = received.ToString();
                if (text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"No complete answer to the stalled upload within the bound; received: '{received}'.");
        }

        return received.ToString();
    }
}
