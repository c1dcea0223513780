/**
 * Malformed and unusual request bodies and what etcd 3.4.23 answered them,
 * recorded against a real etcd 3.4.23 (Debian `etcd-server 3.4.23-4+b4`,
 * single member) through its gateway with `curl --data-binary`. A body
 * holds bytes, written here one char per byte (char codes 0-255).
 *
 * `response` is the body etcd sent for an error (absent for a 200);
 * `serverError` marks an error its server (not its gateway) answered.
 *
 * @module
 */

/** One recorded request. */
export interface RecordedInput {
  readonly path: string;
  /** The body, one char per byte. */
  readonly request: string;
  readonly status: number;
  /** The error body etcd sent (absent for a success). */
  readonly response?: string;
  /** An error etcd's server (not its gateway) answered. */
  readonly serverError: boolean;
}

/** The recorded requests. */
export const RECORDED_INPUTS: readonly RecordedInput[] = [
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v"',
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": "not json",
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'o\' in literal null (expecting \'u\')","message":"invalid character \'o\' in literal null (expecting \'u\')","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": "{",
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"',
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key',
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key"',
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":',
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v",',
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": "[",
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v" "x":1}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'\\"\' after object key:value pair","message":"invalid character \'\\"\' after object key:value pair","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key" "Zm9v"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'\\"\' after object key","message":"invalid character \'\\"\' after object key","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v",}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'}\' looking for beginning of object key string","message":"invalid character \'}\' looking for beginning of object key string","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": "{,}",
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \',\' looking for beginning of object key string","message":"invalid character \',\' looking for beginning of object key string","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": "{key:1}",
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'k\' looking for beginning of object key string","message":"invalid character \'k\' looking for beginning of object key string","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v"]',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \']\' after object key:value pair","message":"invalid character \']\' after object key:value pair","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": "[1,]",
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \']\' looking for beginning of value","message":"invalid character \']\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": "[1 2]",
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'2\' after array element","message":"invalid character \'2\' after array element","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"success":[1 2]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'2\' after array element","message":"invalid character \'2\' after array element","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":tru}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'}\' in literal true (expecting \'e\')","message":"invalid character \'}\' in literal true (expecting \'e\')","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":nul}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'}\' in literal null (expecting \'l\')","message":"invalid character \'}\' in literal null (expecting \'l\')","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":fals}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'}\' in literal false (expecting \'e\')","message":"invalid character \'}\' in literal false (expecting \'e\')","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":truex}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'x\' after object key:value pair","message":"invalid character \'x\' after object key:value pair","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":t}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'}\' in literal true (expecting \'r\')","message":"invalid character \'}\' in literal true (expecting \'r\')","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":f1}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'1\' in literal false (expecting \'a\')","message":"invalid character \'1\' in literal false (expecting \'a\')","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":n0}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'0\' in literal null (expecting \'u\')","message":"invalid character \'0\' in literal null (expecting \'u\')","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"a\u0001"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'\\\\x01\' in string literal","message":"invalid character \'\\\\x01\' in string literal","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"a\\x"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'x\' in string escape code","message":"invalid character \'x\' in string escape code","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"\\u12g4"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'g\' in \\\\u hexadecimal character escape","message":"invalid character \'g\' in \\\\u hexadecimal character escape","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"\\uZZZZ"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'Z\' in \\\\u hexadecimal character escape","message":"invalid character \'Z\' in \\\\u hexadecimal character escape","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"\t"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'\\\\t\' in string literal","message":"invalid character \'\\\\t\' in string literal","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"\u007f"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":-}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'}\' in numeric literal","message":"invalid character \'}\' in numeric literal","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":-a}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'a\' in numeric literal","message":"invalid character \'a\' in numeric literal","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":1.}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'}\' after decimal point in numeric literal","message":"invalid character \'}\' after decimal point in numeric literal","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":1.e}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'e\' after decimal point in numeric literal","message":"invalid character \'e\' after decimal point in numeric literal","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":1e}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'}\' in exponent of numeric literal","message":"invalid character \'}\' in exponent of numeric literal","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":1e+}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'}\' in exponent of numeric literal","message":"invalid character \'}\' in exponent of numeric literal","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":1ex}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'x\' in exponent of numeric literal","message":"invalid character \'x\' in exponent of numeric literal","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":.5}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'.\' looking for beginning of value","message":"invalid character \'.\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":+1}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'+\' looking for beginning of value","message":"invalid character \'+\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":01}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'1\' after object key:value pair","message":"invalid character \'1\' after object key:value pair","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":1x}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'x\' after object key:value pair","message":"invalid character \'x\' after object key:value pair","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": "x",
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'x\' looking for beginning of value","message":"invalid character \'x\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": "\u00ff",
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'\u00ff\' looking for beginning of value","message":"invalid character \'\u00ff\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": "{\u00ff}",
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'\u00ff\' looking for beginning of object key string","message":"invalid character \'\u00ff\' looking for beginning of object key string","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":\u00c3\u00a9}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'\u00c3\' looking for beginning of value","message":"invalid character \'\u00c3\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": "\u0000",
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'\\\\x00\' looking for beginning of value","message":"invalid character \'\\\\x00\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v"}\u0000',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/kv/range",
    "request": "{\"a\":'b'}",
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'\\\\\'\' looking for beginning of value","message":"invalid character \'\\\\\'\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"a":"b\'}',
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v"\n,\n"limit":2',
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '\u00ef\u00bb\u00bf{"key":"Zm9v"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'\u00ef\' looking for beginning of value","message":"invalid character \'\u00ef\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"\u00ff"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v\u00ff"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 4","message":"illegal base64 data at input byte 4","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9\u00c3\u00a9"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 3","message":"illegal base64 data at input byte 3","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Z"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v="}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 4","message":"illegal base64 data at input byte 4","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v=="}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 4","message":"illegal base64 data at input byte 4","code":3}',
  },
  { "path": "/v3/kv/range", "request": '{"key":"Zm=="}', "status": 200, "serverError": false },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm="}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 3","message":"illegal base64 data at input byte 3","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Z==="}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 1","message":"illegal base64 data at input byte 1","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9vYg"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 4","message":"illegal base64 data at input byte 4","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9vYg="}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 7","message":"illegal base64 data at input byte 7","code":3}',
  },
  { "path": "/v3/kv/range", "request": '{"key":"Zm==\\n"}', "status": 200, "serverError": false },
  { "path": "/v3/kv/range", "request": '{"key":"Zm=\\n="}', "status": 200, "serverError": false },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm=\\n"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 4","message":"illegal base64 data at input byte 4","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm==x"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 4","message":"illegal base64 data at input byte 4","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm==Zm=="}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 4","message":"illegal base64 data at input byte 4","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"=Zm9"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v\\r\\nYmFy"}',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9vYmFyYmF6YmF6!"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 16","message":"illegal base64 data at input byte 16","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9vYmFyYmF6Yg-="}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 14","message":"illegal base64 data at input byte 14","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9vYmFyYmF6Yg=!"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 14","message":"illegal base64 data at input byte 14","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9\\u0076"}',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"\\/"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3}',
  },
  { "path": "/v3/kv/range", "request": '{"key":"Zh=="}', "status": 200, "serverError": false },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9vYmFyYmF6YmF6Zm9vYmFyYmF6YmF6\\n\\n"}',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"  "}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":"\\"1\\""}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'\\\\\\\\\' looking for beginning of value","message":"invalid character \'\\\\\\\\\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":"1\\"}',
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":"x"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'x\' looking for beginning of value","message":"invalid character \'x\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":"-"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \' \' in numeric literal","message":"invalid character \' \' in numeric literal","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":"9223372036854775807","count_only":true}',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":"9223372036854775808"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number 9223372036854775808 into Go value of type int64","message":"json: cannot unmarshal number 9223372036854775808 into Go value of type int64","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":-9223372036854775808,"count_only":true}',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":-9223372036854775809}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number -9223372036854775809 into Go value of type int64","message":"json: cannot unmarshal number -9223372036854775809 into Go value of type int64","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":"1e2"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number 1e2 into Go value of type int64","message":"json: cannot unmarshal number 1e2 into Go value of type int64","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":"0x10"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'x\' after top-level value","message":"invalid character \'x\' after top-level value","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":"+1"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'+\' looking for beginning of value","message":"invalid character \'+\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":"1.0"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number 1.0 into Go value of type int64","message":"json: cannot unmarshal number 1.0 into Go value of type int64","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":1.0}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number 1.0 into Go value of type int64","message":"json: cannot unmarshal number 1.0 into Go value of type int64","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":1E2}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number 1E2 into Go value of type int64","message":"json: cannot unmarshal number 1E2 into Go value of type int64","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":-0.0}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number -0.0 into Go value of type int64","message":"json: cannot unmarshal number -0.0 into Go value of type int64","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":"null"}',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":"true"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal bool into Go value of type int64","message":"json: cannot unmarshal bool into Go value of type int64","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":"[]"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal array into Go value of type int64","message":"json: cannot unmarshal array into Go value of type int64","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":"{}"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal object into Go value of type int64","message":"json: cannot unmarshal object into Go value of type int64","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":"\\"\\""}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'\\\\\\\\\' looking for beginning of value","message":"invalid character \'\\\\\\\\\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","limit":"1",}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'}\' looking for beginning of object key string","message":"invalid character \'}\' looking for beginning of object key string","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","sort_order":"DESCEND ", "count_only":true}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"unknown value \\"DESCEND \\" for enum etcdserverpb.RangeRequest_SortOrder","message":"unknown value \\"DESCEND \\" for enum etcdserverpb.RangeRequest_SortOrder","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","sort_order":""}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"unknown value \\"\\" for enum etcdserverpb.RangeRequest_SortOrder","message":"unknown value \\"\\" for enum etcdserverpb.RangeRequest_SortOrder","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","sort_order":"\\"}',
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","sort_order":"<&>"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"unknown value \\"\\u003c\\u0026\\u003e\\" for enum etcdserverpb.RangeRequest_SortOrder","message":"unknown value \\"\\u003c\\u0026\\u003e\\" for enum etcdserverpb.RangeRequest_SortOrder","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","sort_order":"\u00c3\u00a9"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"unknown value \\"\u00e9\\" for enum etcdserverpb.RangeRequest_SortOrder","message":"unknown value \\"\u00e9\\" for enum etcdserverpb.RangeRequest_SortOrder","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","sort_order":"\\u00e9"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"unknown value \\"\\\\\\\\u00e9\\" for enum etcdserverpb.RangeRequest_SortOrder","message":"unknown value \\"\\\\\\\\u00e9\\" for enum etcdserverpb.RangeRequest_SortOrder","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","sort_order":"a\\"b"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"unknown value \\"a\\\\\\\\\\\\\\"b\\" for enum etcdserverpb.RangeRequest_SortOrder","message":"unknown value \\"a\\\\\\\\\\\\\\"b\\" for enum etcdserverpb.RangeRequest_SortOrder","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","sort_order":"\\n"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"unknown value \\"\\\\\\\\n\\" for enum etcdserverpb.RangeRequest_SortOrder","message":"unknown value \\"\\\\\\\\n\\" for enum etcdserverpb.RangeRequest_SortOrder","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","sort_order":1e0}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number 1e0 into Go value of type etcdserverpb.RangeRequest_SortOrder","message":"json: cannot unmarshal number 1e0 into Go value of type etcdserverpb.RangeRequest_SortOrder","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","sort_order":-2147483648,"count_only":true}',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","sort_order":-2147483649}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number -2147483649 into Go value of type etcdserverpb.RangeRequest_SortOrder","message":"json: cannot unmarshal number -2147483649 into Go value of type etcdserverpb.RangeRequest_SortOrder","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","serializable":null,"count_only":true}',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","serializable":[]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal array into Go value of type bool","message":"json: cannot unmarshal array into Go value of type bool","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","serializable":{}}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal object into Go value of type bool","message":"json: cannot unmarshal object into Go value of type bool","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","serializable":"x"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal string into Go value of type bool","message":"json: cannot unmarshal string into Go value of type bool","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":[1,2,"a"]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal string into Go value of type uint8","message":"json: cannot unmarshal string into Go value of type uint8","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":[1.5]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number 1.5 into Go value of type uint8","message":"json: cannot unmarshal number 1.5 into Go value of type uint8","code":3}',
  },
  { "path": "/v3/kv/range", "request": '{"key":[null]}', "status": 200, "serverError": false },
  {
    "path": "/v3/kv/range",
    "request": '{"key":[true]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal bool into Go value of type uint8","message":"json: cannot unmarshal bool into Go value of type uint8","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":[[]]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal array into Go value of type uint8","message":"json: cannot unmarshal array into Go value of type uint8","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":[{}]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal object into Go value of type uint8","message":"json: cannot unmarshal object into Go value of type uint8","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":[256,"x"]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number 256 into Go value of type uint8","message":"json: cannot unmarshal number 256 into Go value of type uint8","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":["x",256]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal string into Go value of type uint8","message":"json: cannot unmarshal string into Go value of type uint8","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":[1e1]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number 1e1 into Go value of type uint8","message":"json: cannot unmarshal number 1e1 into Go value of type uint8","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"!!!","limit":"x"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"limit":"x","key":"!!!"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","range_end":"!!!","limit":"x"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"sort_order":"X","limit":"x"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'x\' looking for beginning of value","message":"invalid character \'x\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"count_only":"x","limit":"x"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'x\' looking for beginning of value","message":"invalid character \'x\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"max_create_revision":"x","key":"!"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '   {"key":"Zm9v","count_only":true}   ',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/kv/range",
    "request": '\n\t\r {"key":"Zm9v","count_only":true}',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","count_only":true}{',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","count_only":true}]',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","count_only":true}{"key":1}',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/kv/range",
    "request":
      '{"key":"Zm9v","count_only":true,"x":{"a":[1,2,{"b":null}]},"y":"\\u00e9\\ud83d\\ude00"}',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","x":[1,2}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'}\' after array element","message":"invalid character \'}\' after array element","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","x":{"a"}}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'}\' after object key","message":"invalid character \'}\' after object key","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","x":tru}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'}\' in literal true (expecting \'e\')","message":"invalid character \'}\' in literal true (expecting \'e\')","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","x":"\\q"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'q\' in string escape code","message":"invalid character \'q\' in string escape code","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","x":1.2.3}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'.\' after object key:value pair","message":"invalid character \'.\' after object key:value pair","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","count_only":true,"x":-0.5e-10}',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","x":00}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'0\' after object key:value pair","message":"invalid character \'0\' after object key:value pair","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","x":-01}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'1\' after object key:value pair","message":"invalid character \'1\' after object key:value pair","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '{"key":"Zm9v","count_only":true,"x":1E+5}',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/kv/range",
    "request": '""',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal string into Go value of type map[string]json.RawMessage","message":"json: cannot unmarshal string into Go value of type map[string]json.RawMessage","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": '"',
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": "1",
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number into Go value of type map[string]json.RawMessage","message":"json: cannot unmarshal number into Go value of type map[string]json.RawMessage","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": "-",
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": "[1",
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": "tru",
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": "{}x",
    "status": 400,
    "serverError": true,
    "response":
      '{"error":"etcdserver: key is not provided","message":"etcdserver: key is not provided","code":3}',
  },
  {
    "path": "/v3/kv/range",
    "request": "{} x",
    "status": 400,
    "serverError": true,
    "response":
      '{"error":"etcdserver: key is not provided","message":"etcdserver: key is not provided","code":3}',
  },
  {
    "path": "/v3/kv/put",
    "request": '{"key":"Zm9v","lease":"9223372036854775808"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number 9223372036854775808 into Go value of type int64","message":"json: cannot unmarshal number 9223372036854775808 into Go value of type int64","code":3}',
  },
  {
    "path": "/v3/kv/put",
    "request": '{"key":"Zm9v","lease":-9223372036854775809}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number -9223372036854775809 into Go value of type int64","message":"json: cannot unmarshal number -9223372036854775809 into Go value of type int64","code":3}',
  },
  {
    "path": "/v3/kv/put",
    "request": '{"key":"Zm9v","value":"YmFy","prev_kv":"yes"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal string into Go value of type bool","message":"json: cannot unmarshal string into Go value of type bool","code":3}',
  },
  {
    "path": "/v3/kv/put",
    "request": '{"key":"Zm9v","value":"YmFy","ignore_lease":1}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number into Go value of type bool","message":"json: cannot unmarshal number into Go value of type bool","code":3}',
  },
  {
    "path": "/v3/kv/put",
    "request": '{"key":"Zm9v","value":{"a":1}}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal object into Go value of type []uint8","message":"json: cannot unmarshal object into Go value of type []uint8","code":3}',
  },
  {
    "path": "/v3/kv/put",
    "request": '{"key":"Zm9v","value":"YmFy"',
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/kv/deleterange",
    "request": '{"key":"Zm9v","range_end":5}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number into Go value of type []uint8","message":"json: cannot unmarshal number into Go value of type []uint8","code":3}',
  },
  {
    "path": "/v3/kv/deleterange",
    "request": '{"key":"Zm9v","prev_kv":[]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal array into Go value of type bool","message":"json: cannot unmarshal array into Go value of type bool","code":3}',
  },
  {
    "path": "/v3/kv/deleterange",
    "request": '{"key":"Zm9v"',
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/kv/compaction",
    "request": '{"revision":"abc"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'a\' looking for beginning of value","message":"invalid character \'a\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/compaction",
    "request": '{"revision":1.5}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number 1.5 into Go value of type int64","message":"json: cannot unmarshal number 1.5 into Go value of type int64","code":3}',
  },
  {
    "path": "/v3/kv/compaction",
    "request": '{"revision":"1","physical":"true"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal string into Go value of type bool","message":"json: cannot unmarshal string into Go value of type bool","code":3}',
  },
  {
    "path": "/v3/kv/compaction",
    "request": "[]",
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal array into Go value of type map[string]json.RawMessage","message":"json: cannot unmarshal array into Go value of type map[string]json.RawMessage","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"compare":{}}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal object into Go value of type []json.RawMessage","message":"json: cannot unmarshal object into Go value of type []json.RawMessage","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"compare":[1]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number into Go value of type map[string]json.RawMessage","message":"json: cannot unmarshal number into Go value of type map[string]json.RawMessage","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"compare":[{"key":"Zm9v","result":"BOGUS"}]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"unknown value \\"BOGUS\\" for enum etcdserverpb.Compare_CompareResult","message":"unknown value \\"BOGUS\\" for enum etcdserverpb.Compare_CompareResult","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"compare":[{"key":"Zm9v","target":"BOGUS"}]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"unknown value \\"BOGUS\\" for enum etcdserverpb.Compare_CompareTarget","message":"unknown value \\"BOGUS\\" for enum etcdserverpb.Compare_CompareTarget","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"compare":[{"key":"Zm9v","target":1.5}]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number 1.5 into Go value of type etcdserverpb.Compare_CompareTarget","message":"json: cannot unmarshal number 1.5 into Go value of type etcdserverpb.Compare_CompareTarget","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"compare":[{"key":"Zm9v","target":"MOD","mod_revision":"x"}]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'x\' looking for beginning of value","message":"invalid character \'x\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"compare":[{"key":"Zm9v","target":"VALUE","value":"!"}]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"compare":[{"key":"Zm9v","target":"LEASE","lease":"x1"}]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'x\' looking for beginning of value","message":"invalid character \'x\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"compare":[{"key":"Zm9v","range_end":"!","version":"x"}]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"success":{}}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal object into Go value of type []json.RawMessage","message":"json: cannot unmarshal object into Go value of type []json.RawMessage","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"success":[1]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number into Go value of type map[string]json.RawMessage","message":"json: cannot unmarshal number into Go value of type map[string]json.RawMessage","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"success":["x"]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal string into Go value of type map[string]json.RawMessage","message":"json: cannot unmarshal string into Go value of type map[string]json.RawMessage","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"success":[{"request_range":1}]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number into Go value of type map[string]json.RawMessage","message":"json: cannot unmarshal number into Go value of type map[string]json.RawMessage","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"success":[{"request_range":[]}]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal array into Go value of type map[string]json.RawMessage","message":"json: cannot unmarshal array into Go value of type map[string]json.RawMessage","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"success":[{"request_range":{"key":"!"}}]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"success":[{"request_put":{"key":"Zm9v","lease":"x"}}]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'x\' looking for beginning of value","message":"invalid character \'x\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request":
      '{"success":[{"request_txn":{"success":[{"request_range":{"key":"Zm9v","limit":"x"}}]}}]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'x\' looking for beginning of value","message":"invalid character \'x\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"failure":[{"request_delete_range":{"key":"Zm9v","prev_kv":0}}]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number into Go value of type bool","message":"json: cannot unmarshal number into Go value of type bool","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"success":[{}]}',
    "status": 400,
    "serverError": true,
    "response":
      '{"error":"etcdserver: key not found","message":"etcdserver: key not found","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"success":[{"request_put":null}]}',
    "status": 400,
    "serverError": true,
    "response":
      '{"error":"etcdserver: key not found","message":"etcdserver: key not found","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request":
      '{"compare":[{"key":"Zm9v"}],"success":[{}],"failure":[{"request_range":{"key":"!"}}]}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"illegal base64 data at input byte 0","message":"illegal base64 data at input byte 0","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request": '{"compare":[{}]}',
    "status": 400,
    "serverError": true,
    "response":
      '{"error":"etcdserver: key is not provided","message":"etcdserver: key is not provided","code":3}',
  },
  {
    "path": "/v3/kv/txn",
    "request":
      '{"success":[{"request_range":{"key":"Zm9v"}}],"compare":[{"key":"Zm9v","result":"GREATER","target":"VERSION","version":"0"}],"x":[}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'}\' looking for beginning of value","message":"invalid character \'}\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/maintenance/status",
    "request": "x",
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'x\' looking for beginning of value","message":"invalid character \'x\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/maintenance/status",
    "request": "[]",
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal array into Go value of type map[string]json.RawMessage","message":"json: cannot unmarshal array into Go value of type map[string]json.RawMessage","code":3}',
  },
  {
    "path": "/v3/maintenance/status",
    "request": '{"x":1',
    "status": 400,
    "serverError": false,
    "response": '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
  },
  {
    "path": "/v3/maintenance/hash",
    "request": '"x"',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal string into Go value of type map[string]json.RawMessage","message":"json: cannot unmarshal string into Go value of type map[string]json.RawMessage","code":3}',
  },
  {
    "path": "/v3/maintenance/hash",
    "request": '{"x":tru}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'}\' in literal true (expecting \'e\')","message":"invalid character \'}\' in literal true (expecting \'e\')","code":3}',
  },
  {
    "path": "/v3/maintenance/alarm",
    "request": '{"action":"BOGUS"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"unknown value \\"BOGUS\\" for enum etcdserverpb.AlarmRequest_AlarmAction","message":"unknown value \\"BOGUS\\" for enum etcdserverpb.AlarmRequest_AlarmAction","code":3}',
  },
  {
    "path": "/v3/maintenance/alarm",
    "request": '{"action":"GET","alarm":"BOGUS"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"unknown value \\"BOGUS\\" for enum etcdserverpb.AlarmType","message":"unknown value \\"BOGUS\\" for enum etcdserverpb.AlarmType","code":3}',
  },
  {
    "path": "/v3/maintenance/alarm",
    "request": '{"action":"GET","memberID":-1}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number -1 into Go value of type uint64","message":"json: cannot unmarshal number -1 into Go value of type uint64","code":3}',
  },
  {
    "path": "/v3/maintenance/alarm",
    "request": '{"action":"GET","memberID":"18446744073709551616"}',
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal number 18446744073709551616 into Go value of type uint64","message":"json: cannot unmarshal number 18446744073709551616 into Go value of type uint64","code":3}',
  },
  {
    "path": "/v3/maintenance/alarm",
    "request": '{"action":"GET","memberID":"18446744073709551615"}',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/maintenance/alarm",
    "request": '{"action":"GET"}',
    "status": 200,
    "serverError": false,
  },
  { "path": "/v3/maintenance/alarm", "request": "", "status": 200, "serverError": false },
  {
    "path": "/v3/maintenance/defragment",
    "request": "x",
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'x\' looking for beginning of value","message":"invalid character \'x\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/maintenance/defragment",
    "request": '{"bogus":"x"}',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/cluster/member/list",
    "request": "x",
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'x\' looking for beginning of value","message":"invalid character \'x\' looking for beginning of value","code":3}',
  },
  {
    "path": "/v3/cluster/member/list",
    "request": '{"linearizable":"x"}',
    "status": 200,
    "serverError": false,
  },
  {
    "path": "/v3/cluster/member/list",
    "request": "[1]",
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"json: cannot unmarshal array into Go value of type map[string]json.RawMessage","message":"json: cannot unmarshal array into Go value of type map[string]json.RawMessage","code":3}',
  },
  {
    "path": "/v3beta/kv/range",
    "request": "x",
    "status": 400,
    "serverError": false,
    "response":
      '{"error":"invalid character \'x\' looking for beginning of value","message":"invalid character \'x\' looking for beginning of value","code":3}',
  },
];
