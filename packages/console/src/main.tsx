import { render } from 'preact';
import { createBulwarkClient } from '@bulwark/client';
import { App } from './app.js';
import './styles.css';

// One client per tab: the access token lives in its closure only, never in storage.
const client = createBulwarkClient({ baseUrl: '' });
const root = document.getElementById('app');
if (root !== null) render(<App client={client} />, root);
