using Microsoft.AspNetCore.Mvc;

namespace StepUp.AspNetCore.Tests.Infrastructure;

/// <summary>An MVC controller protected with <see cref="RequireStepUpAttribute"/>.</summary>
[ApiController]
[Route("mvc")]
public sealed class PaymentsController(EndpointHits hits) : ControllerBase
{
    [HttpPost("transfers")]
    [RequireStepUp("payments.transfer", Resource = "transfer")]
    public IActionResult Transfer(Transfer transfer)
    {
        hits.Hit();
        return Ok(TestApp.Describe(HttpContext, transfer.Amount));
    }

    [HttpGet("records/{id}")]
    [RequireStepUp("records.read")]
    public IActionResult Read(string id)
    {
        hits.Hit();
        return Ok(TestApp.Describe(HttpContext, null));
    }
}
