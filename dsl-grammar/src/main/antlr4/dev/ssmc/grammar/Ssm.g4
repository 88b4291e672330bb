/*
 * The .ssm language: Centaurus-style state-space-model networks.
 *
 * Syntax only. Statements need no terminator (a statement ends where the next one begins; `;` may
 * separate statements on one line). Names of modes, norms, activations, resampling kinds, options,
 * plan entries and units that are plain words are NAME tokens checked by the compiler, so that a
 * misspelling gets a "did you mean" instead of a syntax error.
 */
grammar Ssm;

file
    : (letStmt | networkDecl | planDecl | SEMI)* EOF
    ;

networkDecl
    : NETWORK name=NAME LBRACE netStmt* RBRACE
    ;

netStmt
    : inputStmt
    | defaultStmt
    | letStmt
    | stageStmt
    | chainStmt
    | headStmt
    | repeatNet
    | encoderDecoder
    | outputBlock
    | planDecl
    | SEMI
    ;

// input audio: 1 channel @ 16 kHz
inputStmt
    : INPUT name=NAME COLON channels=expr (CHANNEL | CHANNELS) (AT rate=quantity)?
    ;

// The network's default activation of every layer: norm, postact, dropout.
defaultStmt
    : NORM value=NAME        # defaultNorm
    | ACT value=NAME         # defaultAct
    | DROPOUT value=expr     # defaultDropout
    ;

letStmt
    : LET name=NAME ASSIGN value=expr
    ;

// stage residual neck(states 8, blocks 2) -> downsample conv 4 to 16
stageStmt
    : STAGE (RESIDUAL residualOpts=optionList?)? layer (ARROW resample)?
    ;

// A sequence of items, each feeding the next.
chainStmt
    : item (ARROW item)*
    ;

item
    : layer
    | resample
    | activation
    | residualBlock
    | skipMark
    ;

// In an encoder level: where the level's skip connection leaves (by default, the level's input).
skipMark
    : SKIP_MARK
    ;

// s5(states 16, blocks 4) to 32
layer
    : kind=NAME optionList (TO channels=expr)?
    ;

optionList
    : LPAREN (option (COMMA option)*)? RPAREN
    ;

// `states 8`, `norm rms`; `dt 1e-3..1e-1` (only dt takes a range: lowering says so for the others)
option
    : key=optionKey value=expr (DOTDOT upTo=expr)?
    ;

optionKey
    : NAME
    | NORM
    | ACT
    | DROPOUT
    ;

// downsample conv 4 to 8 with bias; upsample repeat 2; downsample reshape 4
resample
    : direction=(DOWNSAMPLE | UPSAMPLE) kind=resampleKind ratio=expr (TO channels=expr)? (WITH BIAS)?
    ;

// `repeat` is also the keyword of repetition.
resampleKind
    : NAME
    | REPEAT
    ;

// A standalone norm + postact + dropout.
activation
    : ACTIVATION optionList?
    ;

// residual: y = postact(x + norm(body(x))); mask: y = x * sigmoid(norm(body(x)))
residualBlock
    : kind=(RESIDUAL | MASK) optionList? LBRACE seqStmt* RBRACE
    ;

seqStmt
    : chainStmt
    | letStmt
    | repeatSeq
    | SEMI
    ;

repeatNet
    : REPEAT var=NAME IN range LBRACE netStmt* RBRACE
    ;

repeatSeq
    : REPEAT var=NAME IN range LBRACE seqStmt* RBRACE
    ;

range
    : from=expr DOTDOT to=expr                      # spanRange
    | LBRACK expr (COMMA expr)* RBRACK              # listRange
    ;

// A U-Net: encoder levels (each remembers its input), an optional bottleneck, and decoder levels
// (deepest first) that each add the input of the matching encoder level after resampling.
encoderDecoder
    : ENCODER LBRACE enc+=seqStmt* RBRACE
      (BOTTLENECK LBRACE mid+=seqStmt* RBRACE)?
      DECODER LBRACE dec+=seqStmt* RBRACE
    ;

outputBlock
    : OUTPUT LBRACE seqStmt* RBRACE
    ;

// head mean -> linear 32 -> relu -> linear 12   head frames -> linear 17
headStmt
    : HEAD pooling=NAME (ARROW headItem)*
    ;

headItem
    : LINEAR features=expr   # headLinear
    | postact=NAME           # headAct
    ;

// plan training { batch 32; length 1 s }   plan streaming { chunk 10 ms }
planDecl
    : PLAN kind=NAME LBRACE (planEntry | SEMI)* RBRACE
    ;

planEntry
    : key=NAME value=quantity
    ;

quantity
    : expr unit?
    ;

unit
    : HZ | KHZ | MS | SEC | SAMPLES
    ;

expr
    : MINUS expr                         # negate
    | expr op=(STAR | SLASH) expr        # multiply
    | expr op=(PLUS | MINUS) expr        # add
    | LPAREN expr RPAREN                 # parens
    | NUMBER                             # number
    | NAME                               # reference
    ;

// ---- lexer ----

NETWORK     : 'network';
INPUT       : 'input';
CHANNEL     : 'channel';
CHANNELS    : 'channels';
NORM        : 'norm';
ACT         : 'act';
DROPOUT     : 'dropout';
LET         : 'let';
STAGE       : 'stage';
SKIP_MARK   : 'skip';
RESIDUAL    : 'residual';
MASK        : 'mask';
ACTIVATION  : 'activation';
TO          : 'to';
WITH        : 'with';
BIAS        : 'bias';
DOWNSAMPLE  : 'downsample';
UPSAMPLE    : 'upsample';
REPEAT      : 'repeat';
IN          : 'in';
ENCODER     : 'encoder';
BOTTLENECK  : 'bottleneck';
DECODER     : 'decoder';
OUTPUT      : 'output';
HEAD        : 'head';
LINEAR      : 'linear';
PLAN        : 'plan';
HZ          : 'Hz';
KHZ         : 'kHz';
MS          : 'ms';
SEC         : 's';
SAMPLES     : 'samples';

ARROW   : '->';
DOTDOT  : '..';
LBRACE  : '{';
RBRACE  : '}';
LPAREN  : '(';
RPAREN  : ')';
LBRACK  : '[';
RBRACK  : ']';
COMMA   : ',';
COLON   : ':';
SEMI    : ';';
AT      : '@';
ASSIGN  : '=';
PLUS    : '+';
MINUS   : '-';
STAR    : '*';
SLASH   : '/';

// 16, 16_000, 0.1, 1e-3
NUMBER
    : DIGITS ('.' DIGITS)? ([eE] [+-]? DIGITS)?
    ;

fragment DIGITS : [0-9] ([0-9_]* [0-9])? ;

// Words may contain inner hyphens followed by a letter, so that `layer-feature` is one name;
// `a - b` (with spaces) is a subtraction.
NAME
    : [a-zA-Z_] [a-zA-Z0-9_]* ('-' [a-zA-Z] [a-zA-Z0-9_]*)*
    ;

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN);
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN);

// A block comment that never ends: it matches up to the end of the file without containing `*/`,
// so a closed comment is always the longer match of BLOCK_COMMENT.
UNTERMINATED_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'*;

WS : [ \t\r\n\f]+ -> channel(HIDDEN);

// Any other character: the parser reports it with its position.
UNKNOWN_CHAR : . ;
