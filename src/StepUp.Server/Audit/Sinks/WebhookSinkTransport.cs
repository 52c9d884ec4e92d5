using System.Net.Http.Headers;
using System.Net.Sockets;
using StepUp.Core.Audit;
using StepUp.Core.Audit.Sinks;

namespace StepUp.Server.Audit.Sinks;

/// <summary>
/// POSTs <c>{ "events": [ … ] }</c> to the sink's URL, signed as SPEC §5 says (a fresh <c>t</c> per
/// attempt). 2xx is delivered; any other status (redirects are not followed), a connection error
/// or the timeout is a failure to retry. <c>X-StepUp-Delivery</c> stays the same across the
/// retries of one batch.
/// </summary>
internal sealed class WebhookSinkTransport : IAuditSinkTransport
{
    public const string DeliveryHeader = "X-StepUp-Delivery";

    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };

    private readonly HttpClient _client;
    private readonly Uri _url;
    private readonly byte[] _secret;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _clock;
    private readonly Func<IReadOnlyList<AuditEvent>, byte[]> _body;
    private (long First, long Last) _batch;
    private string _deliveryId = string.Empty;

    /// <param name="body">The POST body of a batch; default <c>{ "events": [ … ] }</c>.</param>
    public WebhookSinkTransport(SinkDefinition sink, TimeProvider clock, Func<IReadOnlyList<AuditEvent>, byte[]>? body = null)
    {
        _body = body ?? WebhookBody.Create;
        ArgumentNullException.ThrowIfNull(sink);
        _url = sink.Url ?? throw new ArgumentException("A webhook sink needs a URL.", nameof(sink));
        _secret = sink.Secret;
        _timeout = sink.Timeout;
        _clock = clock;
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            ConnectTimeout = sink.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
        var version = typeof(WebhookSinkTransport).Assembly.GetName().Version;
        _client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("StepUp", version?.ToString(3) ?? "0.0.0"));
    }

    public async Task<SinkDeliveryResult> DeliverAsync(IReadOnlyList<AuditEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var body = _body(events);
        var batch = (events[0].Seq, events[^1].Seq);
        if (batch != _batch)
        {
            _batch = batch;
            _deliveryId = Core.Audit.EventId.New(_clock);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.TryAddWithoutValidation(WebhookSignature.HeaderName, WebhookSignature.Create(_secret, _clock.GetUtcNow().ToUnixTimeSeconds(), body));
        request.Headers.TryAddWithoutValidation(DeliveryHeader, _deliveryId);
        using var timeout = new CancellationTokenSource(_timeout, _clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            return response.IsSuccessStatusCode
                ? SinkDeliveryResult.Ok
                : SinkDeliveryResult.Failed($"HTTP {(int)response.StatusCode}");
        }
        catch (HttpRequestException ex)
        {
            return SinkDeliveryResult.Failed(Describe(ex));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SinkDeliveryResult.Failed($"timeout after {_timeout.TotalSeconds:0} s");
        }
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>The error's category and socket error, never its message (which may name the URL).</summary>
    private static string Describe(HttpRequestException ex)
    {
        var socket = ex.InnerException as SocketException ?? ex.InnerException?.InnerException as SocketException;
        return socket is null ? $"http: {ex.HttpRequestError}" : $"http: {ex.HttpRequestError} ({socket.SocketErrorCode})";
    }
}
