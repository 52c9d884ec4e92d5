namespace StepUp.Core.Policy.Conditions;

internal enum TokenKind : byte
{
    EndOfInput,

    /// <summary>A lexical error already reported; the parser skips it silently.</summary>
    Invalid,
    Identifier,
    Int,
    Double,
    String,
    True,
    False,
    Null,
    In,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    Dot,
    Comma,
    Question,
    Colon,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Bang,
    EqualEqual,
    BangEqual,
    Less,
    LessEqual,
    Greater,
    GreaterEqual,
    AmpAmp,
    PipePipe,
}

/// <summary>One lexical token. <see cref="Text"/> holds an identifier or the decoded value of a string literal.</summary>
internal readonly record struct Token(TokenKind Kind, int Start, int Length, string? Text = null, ulong IntValue = 0, double DoubleValue = 0)
{
    public static string Describe(TokenKind kind) => kind switch
    {
        TokenKind.EndOfInput => "end of condition",
        TokenKind.Invalid => "invalid token",
        TokenKind.Identifier => "name",
        TokenKind.Int => "integer",
        TokenKind.Double => "number",
        TokenKind.String => "string",
        TokenKind.True => "'true'",
        TokenKind.False => "'false'",
        TokenKind.Null => "'null'",
        TokenKind.In => "'in'",
        TokenKind.LeftParen => "'('",
        TokenKind.RightParen => "')'",
        TokenKind.LeftBracket => "'['",
        TokenKind.RightBracket => "']'",
        TokenKind.Dot => "'.'",
        TokenKind.Comma => "','",
        TokenKind.Question => "'?'",
        TokenKind.Colon => "':'",
        TokenKind.Plus => "'+'",
        TokenKind.Minus => "'-'",
        TokenKind.Star => "'*'",
        TokenKind.Slash => "'/'",
        TokenKind.Percent => "'%'",
        TokenKind.Bang => "'!'",
        TokenKind.EqualEqual => "'=='",
        TokenKind.BangEqual => "'!='",
        TokenKind.Less => "'<'",
        TokenKind.LessEqual => "'<='",
        TokenKind.Greater => "'>'",
        TokenKind.GreaterEqual => "'>='",
        TokenKind.AmpAmp => "'&&'",
        TokenKind.PipePipe => "'||'",
        _ => kind.ToString(),
    };

    public string Describe() => Kind switch
    {
        TokenKind.Identifier => "'" + Text + "'",
        _ => Describe(Kind),
    };
}
