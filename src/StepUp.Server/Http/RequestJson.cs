using StepUp.Server.Errors;

namespace StepUp.Server.Http;

/// <summary>
/// The one place where reading a parsed JSON document may fail with an exception: System.Text.Json
/// throws when a string escapes an unpaired surrogate (<c>"\ud800"</c>), which is invalid Unicode
/// (422), and a hostile document may nest too deep or hold a number beyond a double (400).
/// </summary>
internal static class RequestJson
{
    public static T? Read<T>(Func<T?> read, out IResult? problem)
        where T : class
    {
        problem = null;
        try
        {
            return read();
        }
        catch (InvalidOperationException)
        {
            problem = Problems.Result(ProblemCode.InvalidUnicode, "a string holds invalid Unicode");
        }
        catch (System.Text.Json.JsonException)
        {
            problem = Problems.Result(ProblemCode.MalformedJson, "the JSON nests too deep or holds a number out of range");
        }

        return null;
    }
}
