using System.Net;
using System.Text;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using NotebookFunctions.Core.Secrets;

namespace NotebookFunctions.Orchestration.Notifications;

/// <summary>
/// Posts one notification of one ended run, once: builds the body in its format, masks the run's secret values in it,
/// signs it with the named secret (resolved here, at the last moment; a secret that is gone fails the delivery, never
/// an unsigned fallback), and says whether another attempt is worth it. The orchestrator retries with durable timers.
/// Logs name the target by scheme and host only, and never the secret or the signature.
/// </summary>
public sealed class DeliverNotification(ISecretSource secrets, ILogger<DeliverNotification> logger) : TaskActivity<DeliverNotificationInput, DeliveryAttempt>
{
    public override async Task<DeliveryAttempt> RunAsync(TaskActivityContext context, DeliverNotificationInput input)
    {
        var target = input.Target;
        var shown = target.Shown;
        var url = target.Url;
        if (target.UrlSecret is { } urlSecret)
        {
            url = (await secrets.GetAsync(urlSecret, CancellationToken.None))?.Trim();
            if (url is null) return GaveUp(input, shown, null, $"secret '{urlSecret}' that holds the URL was not found in any configured secret source");
        }

        try
        {
            // The URL's rules again, as this host applies them: it may be stricter than the one that accepted the run (in
            // Azure, https only), and a URL from a secret may have changed since.
            url = NotificationRules.CheckUrl(url, NotificationTargetPolicy.FromEnvironment(), target.UrlSecret is null ? "url" : "urlSecret", quoted: false);
        }
        catch (Runs.RunRefusalException e)
        {
            return GaveUp(input, shown, null, e.Message);
        }

        string? key = null;
        if (target.Secret is { } name)
        {
            key = await secrets.GetAsync(name, CancellationToken.None);
            if (key is null) return GaveUp(input, shown, null, $"secret '{name}' that signs it was not found in any configured secret source; not sent unsigned");
        }

        var (body, contentType) = NotificationBodies.Build(target.Format, input.EventId, input.Notice);
        var masked = await MaskAsync(body.ToJsonString(), input.Notice.Secrets, key);
        var bytes = Encoding.UTF8.GetBytes(masked);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse($"{contentType}; charset=utf-8");
        request.Headers.UserAgent.ParseAdd("NotebookFunctions-Notify/1.0");
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        request.Headers.TryAddWithoutValidation(WebhookSignature.IdHeader, input.EventId);
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (key is not null) request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Sign(key, input.EventId, timestamp, bytes));

        try
        {
            using var response = await NotificationHttp.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, CancellationToken.None);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                logger.LogInformation("Notification {Index} of run {RunId} ({EventId}) delivered to {Target}: {Status}", input.Index, input.Notice.RunId, input.EventId, shown, status);
                return new DeliveryAttempt(DeliveryState.Delivered, status, null);
            }

            var error = status is >= 300 and < 400
                ? $"the receiver answered {status} (a redirect, not followed)"
                : $"the receiver answered {status} {response.ReasonPhrase}";
            return status is 408 or 429 or >= 500 ? Retry(input, shown, status, error) : GaveUp(input, shown, status, error);
        }
        catch (HttpRequestException e) when (e.InnerException is RefusedTargetException refused)
        {
            return GaveUp(input, shown, null, refused.Message);
        }
        catch (HttpRequestException e)
        {
            return Retry(input, shown, null, $"could not reach the receiver: {e.Message}");
        }
        catch (TaskCanceledException)
        {
            return Retry(input, shown, null, $"the receiver did not answer within {NotificationHttp.RequestTimeout.TotalSeconds:0} s");
        }
    }

    /// <summary>
    /// Chunk errors were masked where they ran; the body is masked once more with every value this worker can still
    /// resolve (the run's secrets and the signing secret), so no door of the run leaks a value through a notification.
    /// </summary>
    private async Task<string> MaskAsync(string text, IReadOnlyList<string> names, string? signingKey)
    {
        var values = new List<string>();
        if (signingKey is not null) values.Add(signingKey);
        foreach (var name in names)
        {
            if (await secrets.GetAsync(name, CancellationToken.None) is { } value) values.Add(value);
        }

        return values.Count == 0 ? text : SecretRedactor.For(values).Redact(text);
    }

    private DeliveryAttempt Retry(DeliverNotificationInput input, string shown, int? status, string error)
    {
        logger.LogWarning("Notification {Index} of run {RunId} ({EventId}) to {Target}, attempt {Attempt}: {Error}; will retry", input.Index, input.Notice.RunId, input.EventId, shown, input.Attempt, error);
        return new DeliveryAttempt(DeliveryState.Retry, status, error);
    }

    private DeliveryAttempt GaveUp(DeliverNotificationInput input, string shown, int? status, string error)
    {
        logger.LogWarning("Notification {Index} of run {RunId} ({EventId}) to {Target} not delivered: {Error}; not retried", input.Index, input.Notice.RunId, input.EventId, shown, error);
        return new DeliveryAttempt(DeliveryState.GaveUp, status, error);
    }
}
