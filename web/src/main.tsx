import { render } from "preact";
import { isChatPath } from "./chat/chatPath";
import { ChatApp } from "./chat/ChatPage";
import { App } from "./ui/App";
import "./styles.css";

const root = document.getElementById("app");
if (root === null) throw new Error("index.html has no #app element");
// /chat is the public customer chat (no sign-in); every other path is the signed-in app (hash routes).
render(isChatPath(location.pathname) ? <ChatApp /> : <App />, root);
