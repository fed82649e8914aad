"""What the WeChat account says besides answers (user-facing, Chinese)."""

EXAMPLE_QUESTIONS = ("谁负责科普教育基地建设？", "区科协负责哪些工作？", "隔夜菜会致癌吗？")

WELCOME = (
    "感谢关注！我是科普问答助手，可以帮您：\n"
    "1. 查询本区科普工作方案：某项工作由哪些单位负责、由谁牵头，某个单位承担哪些任务，有哪些量化目标；\n"
    "2. 辨别常见的科学谣言，回答只来自审核过的科普材料。\n"
    "直接发送文字或语音提问即可，例如：\n"
    + "\n".join(f"“{q}”" for q in EXAMPLE_QUESTIONS)
)
UNSUPPORTED = (
    "抱歉，我目前只能理解文字和语音消息，暂时看不懂图片、视频、位置、链接或文件。"
    f"请用文字或语音描述您的问题，例如“{EXAMPLE_QUESTIONS[0]}”"
)
VOICE_NOT_RECOGNISED = "抱歉，没有听清您的语音。请再说一遍，或直接输入文字提问。"
EMPTY_TEXT = f"请直接输入您的问题，例如“{EXAMPLE_QUESTIONS[1]}”"
NOT_READY = "问答服务正在启动，请稍后再试。"
FAILED = "抱歉，系统暂时出了点问题，请稍后再试。"
NO_ANSWER = "抱歉，暂时无法回答这个问题，请换个说法试试。"
# Only when the answer is late and no customer-service push is configured (no AppSecret).
TOO_SLOW = "这个问题查询时间较长，请稍后再发送一次，或换个更具体的问法。"
# A user sending more than KEPU_WECHAT_RATE_LIMIT_PER_MINUTE questions a minute.
TOO_FREQUENT = "您发送太频繁了，请稍后再试。"
