/**
 * Raw argon2id checks per core at Bulwark's parameters, printed as one JSON line
 * (`{"perCore": …}`): `taskset -c 0 node --import tsx bench/argon2-raw.ts [seconds]`. The rate is
 * from this process's CPU time, all threads (the check runs on libuv's pool): the ceiling a login
 * can approach on the core it runs on.
 */
import { hash, verify } from '@node-rs/argon2';
import { ARGON2_PARAMS } from '../src/auth/passwords/passwords.js';

const seconds = Number(process.argv[2] ?? 5);
const password = 'correct horse battery staple';
const stored = await hash(password, ARGON2_PARAMS);
// As a login is measured after its warm-up: the first checks map argon2id's memory and load the code.
for (let i = 0; i < 10; i++) await verify(stored, password);
const start = process.cpuUsage();
let checks = 0;
const end = performance.now() + seconds * 1000;
while (performance.now() < end) {
  await verify(stored, password);
  checks++;
}
const used = process.cpuUsage(start);
console.log(JSON.stringify({ perCore: checks / ((used.user + used.system) / 1e6) }));
