using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace StepUp.AspNetCore.Decisions;

/// <summary>
/// Calls <c>POST {Authority}/v1/decisions</c> with the app's API key. This is the one place where
/// transport failures (refused connection, timeout, 5xx) become a result instead of an exception.
/// </summary>
internal sealed class DecisionClient(IHttpClientFactory clients, IOptions<StepUpOptions> options)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly Uri _decisions = Endpoint(options.Value, "v1/decisions");

    /// <summary>Resolves <paramref name="path"/> against the authority, keeping any path base it has.</summary>
    public static Uri Endpoint(StepUpOptions options, string path)
    {
        var authority = options.Authority ?? throw new InvalidOperationException("StepUp: Authority is not set.");
        var text = authority.AbsoluteUri;
        return new Uri(new Uri(text.EndsWith('/') ? text : text + "/"), path);
    }

    public async Task<DecisionAnswer> DecideAsync(DecisionQuery query, CancellationToken requestAborted)
    {
        var settings = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, _decisions)
        {
            Content = new ReadOnlyMemoryContent(DecisionJson.Write(query)) { Headers = { ContentType = Json } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        deadline.CancelAfter(settings.Timeout);
        try
        {
            using var response = await clients.CreateClient(StepUpDefaults.HttpClientName).SendAsync(request, HttpCompletionOption.ResponseContentRead, deadline.Token);
            var status = (int)response.StatusCode;
            if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            {
                return DecisionAnswer.Unavailable(string.Create(CultureInfo.InvariantCulture, $"HTTP {status}"));
            }

            var body = await response.Content.ReadAsByteArrayAsync(deadline.Token);
            return response.StatusCode == HttpStatusCode.OK
                ? DecisionAnswer.Parse(body)
                : DecisionAnswer.Refused(string.Create(CultureInfo.InvariantCulture, $"HTTP {status} {ProblemCode(body)}"));
        }
        catch (OperationCanceledException) when (!requestAborted.IsCancellationRequested)
        {
            return DecisionAnswer.Unavailable("timed out after " + settings.Timeout.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + " ms");
        }
        catch (HttpRequestException ex)
        {
            return DecisionAnswer.Unavailable(ex.HttpRequestError.ToString());
        }
    }

    /// <summary>The problem's stable <c>code</c> (e.g. <c>SU1010</c>), for the log.</summary>
    private static string ProblemCode(byte[] body)
    {
        using var document = JsonDocuments.TryParse(body);
        if (document is null)
        {
            return "(no problem details)";
        }

        return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
            ? code.GetString() is { Length: <= 32 } text ? text : "(long code)"
            : "(no code)";
    }
}
