"""The troubleshooting guide the help centre starts with (seeded by a migration; admins
edit the articles afterwards)."""

from __future__ import annotations

ARTICLES: list[dict[str, str | int]] = [
    {
        "slug": "check-input",
        "order": 10,
        "title": "第一步：检查输入的内容",
        "summary": "发票代码、号码、日期、金额、校验码是否与票面一致。",
        "keywords": "输入 查不到 找不到 发票号码 发票代码 校验码 金额 日期 格式 错误",
        "body": "很多“查不到”“提交失败”是输入有误造成的。请逐项对照票面检查：\n"
        "1. 发票代码（10 或 12 位）和发票号码（8 位；数电票为 20 位），不要多输或少输一位；\n"
        "2. 开票日期按 YYYY-MM-DD 填写；\n"
        "3. 金额填写不含税金额还是价税合计，以页面提示为准，保留两位小数；\n"
        "4. 校验码只填后 6 位；\n"
        "5. 全角字符、空格和字母 O/数字 0 容易混淆，请重新输入一遍。",
    },
    {
        "slug": "confirm-upload",
        "order": 20,
        "title": "第二步：确认文件已上传成功",
        "summary": "在“我的发票”或上传记录中确认识别状态。",
        "keywords": "上传 失败 识别 扫描 图片 PDF OFD 文件 状态 处理中",
        "body": "上传后文件会在后台识别，通常几秒钟完成：\n"
        "1. 在“扫描上传”页面或“我的发票”中查看状态：排队中、识别中、已完成、失败；\n"
        "2. 状态为“失败”时，页面会说明原因（例如图片模糊、文件损坏、格式不支持）；\n"
        "3. 照片请保持发票完整、平整、光线均匀，二维码清晰；\n"
        "4. 支持 PDF、OFD、XML、JPG/PNG/HEIC 及平台导出的 Excel，单个文件不超过上传大小限制。",
    },
    {
        "slug": "network",
        "order": 30,
        "title": "第三步：检查网络连接",
        "summary": "页面提示“无法连接服务器”时，先检查网络和代理。",
        "keywords": "网络 连接 超时 无法连接 断网 代理 VPN 加载失败 慢",
        "body": "页面提示“无法连接服务器”或一直在加载时：\n"
        "1. 打开其他网站，确认网络正常；\n"
        "2. 公司网络如需代理或 VPN，请确认已连接；\n"
        "3. 切换到其他网络（例如手机热点）后重试；\n"
        "4. 仍然失败，请记下出现问题的时间，联系客服。",
    },
    {
        "slug": "browser-version",
        "order": 40,
        "title": "第四步：使用较新版本的浏览器",
        "summary": "推荐最新版 Chrome、Edge、Firefox 或 Safari。",
        "keywords": "浏览器 版本 IE 兼容 显示 错乱 按钮 没反应 Chrome Edge",
        "body": "发票管家支持最新两个大版本的 Chrome、Edge、Firefox 和 Safari，不支持 IE。\n"
        "国产浏览器（360、QQ 浏览器等）请切换到“极速模式”。\n"
        "页面显示错乱或按钮点击没有反应时，请先升级浏览器后重试。",
    },
    {
        "slug": "cache-cookies",
        "order": 50,
        "title": "第五步：清除缓存和 Cookie",
        "summary": "登录异常、页面不更新时，清除缓存与 Cookie 后重新登录。",
        "keywords": "缓存 Cookie 登录 退出 过期 页面 不更新 刷新 安全校验 CSRF",
        "body": "登录后又被退出、提示“安全校验失败”、页面内容不更新时：\n"
        "1. 按 Ctrl+F5（Mac：Cmd+Shift+R）强制刷新；\n"
        "2. 在浏览器设置中清除本网站的缓存和 Cookie；\n"
        "3. 关闭所有标签页后重新登录；\n"
        "4. 不要禁用本网站的 Cookie，登录需要它。",
    },
    {
        "slug": "contact-support",
        "order": 60,
        "title": "仍未解决？联系客服",
        "summary": "点击页面右下角“反馈”，或使用在线客服、发送邮件。",
        "keywords": "客服 联系 人工 反馈 投诉 建议 工单 邮件 电话 在线",
        "body": "按上面的步骤检查后仍未解决，请联系我们：\n"
        "1. 点击任意页面右下角的“反馈”按钮，选择类别并描述问题，可附上截图；"
        "当前页面和发票会自动附上；\n"
        "2. 工作时间（工作日 9:00–18:00）可使用在线客服；\n"
        "3. 也可以发送邮件到客服邮箱，邮件会自动生成工单。\n"
        "每个反馈都有工单号（例如 FK-2026-000123），可在“我的反馈”中查看处理进度和回复。",
    },
]
