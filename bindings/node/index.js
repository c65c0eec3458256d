'use strict';
// The `http` namespace of @ohos.net.http, as ArkTS code sees it:
//   const { http } = require('ohos-http');   // instead of: import { http } from '@kit.NetworkKit';
//   const http = require('ohos-http');       // the same object
// OHOS_HTTP_NODE_ADDON may name another build of the addon (a path to ohos_http.node).
const path = require('path');

const addon = require(process.env.OHOS_HTTP_NODE_ADDON || path.join(__dirname, 'build', 'ohos_http.node'));
addon.http = addon;
module.exports = addon;
