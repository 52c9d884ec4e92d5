namespace StepUp.Server.Errors;

/// <summary>
/// Stable client-visible error codes (documented in docs/errors.md). Never renumber: users and
/// tests match on them.
/// </summary>
public sealed record ProblemCode(string Code, int Status, string Title)
{
    public static readonly ProblemCode Internal = new("SU1000", 500, "Internal error");
    public static readonly ProblemCode MalformedJson = new("SU1001", 400, "Malformed JSON");
    public static readonly ProblemCode BodyTooLarge = new("SU1002", 413, "Request body too large");
    public static readonly ProblemCode UnsupportedMediaType = new("SU1003", 415, "Unsupported media type");
    public static readonly ProblemCode ValidationFailed = new("SU1004", 422, "Invalid request");
    public static readonly ProblemCode InvalidUnicode = new("SU1005", 422, "Invalid Unicode");
    public static readonly ProblemCode InvalidQuery = new("SU1006", 400, "Invalid query parameter");
    public static readonly ProblemCode BadRequest = new("SU1007", 400, "Bad request");
    public static readonly ProblemCode Unauthenticated = new("SU1010", 401, "Missing or invalid API key");
    public static readonly ProblemCode InsufficientScope = new("SU1011", 403, "API key lacks the required scope");
    public static readonly ProblemCode NotFound = new("SU1012", 404, "Not found");
    public static readonly ProblemCode MethodNotAllowed = new("SU1013", 405, "Method not allowed");
    public static readonly ProblemCode PolicyInvalid = new("SU1020", 422, "Invalid policy");
    public static readonly ProblemCode SimulationBusy = new("SU1021", 429, "Simulation already running");
    public static readonly ProblemCode StorageUnavailable = new("SU1030", 503, "Storage unavailable");
    public static readonly ProblemCode WrongAnswer = new("SU1040", 422, "Verification failed");
    public static readonly ProblemCode ChallengeExpired = new("SU1041", 410, "Challenge expired");
    public static readonly ProblemCode ChallengeLocked = new("SU1042", 423, "Challenge locked");
    public static readonly ProblemCode SubjectLocked = new("SU1043", 423, "Subject locked");
    public static readonly ProblemCode ChallengeNotPending = new("SU1044", 409, "Challenge already answered");
    public static readonly ProblemCode StepUpMethodNotAllowed = new("SU1045", 422, "Method not allowed for this challenge");
    public static readonly ProblemCode MalformedVerification = new("SU1046", 400, "Malformed verification");
    public static readonly ProblemCode FactorStepUpRequired = new("SU1047", 403, "Step-up required to change factors");
    public static readonly ProblemCode EnrollmentFailed = new("SU1048", 422, "Enrolment failed");
    public static readonly ProblemCode ReturnToNotAllowed = new("SU1060", 400, "Return address not allowed");
    public static readonly ProblemCode RelaySuspected = new("SU1061", 403, "Refused from this location");
    public static readonly ProblemCode ForwardAuthRefused = new("SU1070", 403, "Forward auth refused");
    public static readonly ProblemCode AmbiguousPath = new("SU1071", 400, "Ambiguous path");
    public static readonly ProblemCode InvalidForwardedRequest = new("SU1072", 400, "Invalid forwarded request");
    public static readonly ProblemCode NotSignedIn = new("SU1073", 401, "Not signed in");
    public static readonly ProblemCode ActionDenied = new("SU1074", 403, "Action denied");
    public static readonly ProblemCode AdminSessionRequired = new("SU1080", 401, "Admin session required");
    public static readonly ProblemCode AdminCsrfFailed = new("SU1081", 403, "Form token missing or wrong");
    public static readonly ProblemCode AdminSignInRefused = new("SU1082", 401, "Admin sign-in refused");
    public static readonly ProblemCode AdminStepUpUnavailable = new("SU1083", 403, "Admin step-up unavailable");
    public static readonly ProblemCode TrailScanBusy = new("SU1084", 429, "Another full pass over the trail is running");
}
